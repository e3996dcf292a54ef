"""A TorchServe-style prediction API with FastAPI: GET /ping, POST /predictions/{name}."""

from collections.abc import Callable
from contextlib import asynccontextmanager  # noqa: F401 - you will need these
from typing import Annotated  # noqa: F401

import torch  # noqa: F401
from fastapi import FastAPI, HTTPException, Request  # noqa: F401
from fastapi.exceptions import RequestValidationError  # noqa: F401
from fastapi.responses import JSONResponse  # noqa: F401
from pydantic import BaseModel, Field
from torch import nn


class PredictRequest(BaseModel):
    # TODO: a non-empty list of rows of finite JSON numbers (no strings, booleans or null)
    data: list = Field()


def create_app(model_factory: Callable[[], nn.Module], name: str = "my_model",
               in_features: int = 4) -> FastAPI:
    """An app serving the model that model_factory() builds under POST /predictions/{name}."""
    # TODO: call model_factory exactly once (a lifespan is the place), in eval mode
    app = FastAPI()

    # TODO: a body that is not valid JSON answers 400; other validation errors stay 422

    @app.get("/ping")
    def ping() -> dict[str, str]:
        return {"status": "Healthy"}

    @app.post("/predictions/{model_name}")
    def predict(model_name: str, req: PredictRequest) -> dict:
        # TODO: 404 for another name, 422 for a row of the wrong length,
        #       the model's outputs under torch.inference_mode() as {"predictions": [[...]]}
        raise NotImplementedError

    return app
