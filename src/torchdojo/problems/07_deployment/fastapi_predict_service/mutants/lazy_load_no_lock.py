"""MUTANT: the model is loaded lazily by the first request, without a lock: requests that
arrive together each see no model yet and each load one."""

from collections.abc import Callable
from contextlib import asynccontextmanager
from typing import Annotated

import torch
from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from torch import nn

# a JSON number: ints and floats, finite; strings, booleans and null are refused
Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]


class PredictRequest(BaseModel):
    data: list[list[Number]] = Field(min_length=1)  # (B, F), B >= 1


class PredictResponse(BaseModel):
    predictions: list[list[float]]  # (B, C)


def create_app(model_factory: Callable[[], nn.Module], name: str = "my_model",
               in_features: int = 4) -> FastAPI:
    """An app serving the model that model_factory() builds under POST /predictions/{name}."""
    state: dict[str, nn.Module] = {}

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # load once per process, before the first request, and switch off dropout/BN updates
        yield
        state.clear()

    app = FastAPI(lifespan=lifespan)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        # a body that is not JSON at all is a 400; JSON of the wrong shape stays a 422
        errors = exc.errors()
        code = 400 if any(e["type"] == "json_invalid" for e in errors) else 422
        detail = "request body is not valid JSON" if code == 400 else [
            {"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in errors]
        return JSONResponse(status_code=code, content={"detail": detail})

    @app.get("/ping")
    def ping() -> dict[str, str]:
        return {"status": "Healthy"}

    @app.post("/predictions/{model_name}")
    def predict(model_name: str, req: PredictRequest) -> PredictResponse:
        if model_name != name:
            raise HTTPException(status_code=404, detail=f"model {model_name!r} not found")
        bad = [i for i, row in enumerate(req.data) if len(row) != in_features]
        if bad:
            raise HTTPException(status_code=422, detail=(
                f"row {bad[0]} has {len(req.data[bad[0]])} features, expected {in_features}"))
        if "model" not in state:
            state["model"] = model_factory().eval()
        x = torch.tensor(req.data, dtype=torch.float32)  # (B, F)
        # inference_mode is thread-local: enter it here, in the thread that runs the request
        with torch.inference_mode():
            y = state["model"](x)  # (B, C)
        return PredictResponse(predictions=y.tolist())

    return app
