"""Probes for fastapi_predict_service. Each probe builds the app with the learner's create_app and
a probe-made factory (a seeded Linear-BatchNorm-ReLU-Dropout-Linear net, returned in TRAIN mode,
that counts how often it is called and records the autograd/inference/training state of every
forward), talks to it through fastapi.testclient.TestClient and returns the status codes and
JSON bodies; the worker compares them with the reference's."""

import json
import time

import torch
from torch import nn

from torchdojo.probes import probe

F_IN, C_OUT = 5, 3


def _factory(seed: int, record: dict):
    """A model factory; record["calls"] counts calls, record["forwards"] the forward states."""
    record.setdefault("calls", 0)
    record.setdefault("forwards", [])

    def factory() -> nn.Module:
        record["calls"] += 1
        time.sleep(0.02)  # loading a real checkpoint takes a while
        g = torch.Generator().manual_seed(seed)
        net = nn.Sequential(nn.Linear(F_IN, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Dropout(0.5),
                            nn.Linear(8, C_OUT))
        with torch.no_grad():
            for p in net.parameters():
                p.copy_(torch.randn(p.shape, generator=g) * 0.5)
            net[1].running_mean.copy_(torch.randn(8, generator=g))
            net[1].running_var.copy_(torch.rand(8, generator=g) + 0.5)

        def hook(mod, args):
            record["forwards"].append({"grad_enabled": torch.is_grad_enabled(),
                                       "inference_mode": torch.is_inference_mode_enabled(),
                                       "training": mod.training,
                                       "batch": int(args[0].shape[0])})
        net.register_forward_pre_hook(hook)
        return net.train()  # the service must switch it to eval itself
    return factory


def _post(client, path: str, body) -> tuple:
    """POST a JSON text (NaN allowed, as Python's json writes it); (status, body or None)."""
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    r = client.post(path, content=raw, headers={"content-type": "application/json"})
    return _answer(r)


def _answer(r) -> tuple:
    try:
        body = r.json()
    except ValueError:
        body = None
    return r.status_code, body


def _run(m, seed: int, name: str, calls, record: dict | None = None):
    """Start the app (lifespan included) and run calls(client) against it."""
    from fastapi.testclient import TestClient

    record = {} if record is None else record
    app = m.create_app(_factory(seed, record), name=name, in_features=F_IN)
    with TestClient(app, raise_server_exceptions=False) as client:
        return calls(client)


def _rows(seed: int, n: int) -> list:
    g = torch.Generator().manual_seed(seed)
    return (torch.randn(n, F_IN, generator=g) * 2).tolist()


def _error(code_body: tuple) -> tuple:
    """The status code and whether the body is a JSON object with a "detail" key."""
    code, body = code_body
    return code, isinstance(body, dict) and "detail" in body


@probe(public=True)
def ping_and_predict(m):
    "GET /ping, then POST one batch of 4 rows to /predictions/<name>: codes and bodies"
    def calls(c):
        return {"ping": _answer(c.get("/ping")),
                "predict": _post(c, "/predictions/iris", {"data": _rows(1, 4)})}
    return _run(m, 0, "iris", calls)


@probe(public=True)
def bad_requests_public(m):
    "a body that is not JSON, an empty batch, a row of the wrong length: status codes, detail"
    def calls(c):
        return [_error(_post(c, "/predictions/iris", b'{"data": [[1, 2, 3, 4, 5]')),
                _error(_post(c, "/predictions/iris", {"data": []})),
                _error(_post(c, "/predictions/iris", {"data": [[1.0, 2.0, 3.0]]}))]
    return _run(m, 0, "iris", calls)


@probe
def batches_of_many_sizes(m):
    "batches of 1, 3 and 7 rows (also integer JSON numbers) under another name and model"
    def calls(c):
        out = [_post(c, "/predictions/digits", {"data": _rows(s, n)})
               for s, n in ((2, 1), (3, 3), (4, 7))]
        out.append(_post(c, "/predictions/digits", {"data": [[1, -2, 0, 3, 4], [0, 0, 0, 0, 0]]}))
        return out
    return _run(m, 7, "digits", calls)


@probe
def eval_and_inference_mode(m):
    "the state every forward ran in: grad mode, inference mode, train/eval, batch size"
    record: dict = {}

    def calls(c):
        return [_post(c, "/predictions/iris", {"data": _rows(s, 2 + s)})[0] for s in range(3)]
    codes = _run(m, 3, "iris", calls, record)
    return {"codes": codes, "forwards": record["forwards"]}


@probe
def model_loaded_once(m):
    "how often the factory is called: building, starting, 12 requests (some concurrent), stopping"
    from concurrent.futures import ThreadPoolExecutor

    record: dict = {}

    def calls(c):
        with ThreadPoolExecutor(4) as pool:  # the first requests arrive together
            codes = list(pool.map(
                lambda s: _post(c, "/predictions/iris", {"data": _rows(s, 2)})[0], range(8)))
        codes += [_post(c, "/predictions/iris", {"data": _rows(s, 1)})[0] for s in range(4)]
        codes.append(_answer(c.get("/ping"))[0])
        return codes
    codes = _run(m, 4, "iris", calls, record)
    return {"codes": codes, "factory_calls": record["calls"]}


@probe
def unknown_model_name(m):
    "a valid body POSTed to a model name the app does not serve, and to the one it does"
    def calls(c):
        body = {"data": _rows(5, 2)}
        return [_error(_post(c, "/predictions/iris", body)),
                _error(_post(c, "/predictions/my_model", body)),
                _error(_post(c, "/predictions/resnet", body)),
                _post(c, "/predictions/mnist", body)]
    return _run(m, 5, "mnist", calls)


@probe
def non_numeric_values(m):
    "rows holding a numeric string, a boolean, null, NaN, Infinity or a nested list"
    def calls(c):
        good = [0.5, 1.0, -1.0, 2.0]
        bad = ["1.5", True, None, float("nan"), float("inf"), [1.0]]
        return [_error(_post(c, "/predictions/iris", {"data": [good + [v]]})) for v in bad]
    return _run(m, 0, "iris", calls)


@probe
def malformed_bodies(m):
    "bodies that are not JSON, not an object, lack 'data', or hold the wrong nesting"
    def calls(c):
        bodies = [b"data=1,2,3", b'{"data": [[1, 2, 3, 4, 5]],}', b"[[1, 2, 3, 4, 5]]",
                  {"inputs": _rows(0, 1)}, {"data": _rows(0, 1)[0]}, {"data": 3.0},
                  {"data": [[]]}, {"data": _rows(1, 2) + [[1.0, 2.0]]}, {"data": [_rows(2, 1)]}]
        return [_error(_post(c, "/predictions/iris", b)) for b in bodies]
    return _run(m, 0, "iris", calls)


@probe
def concurrent_requests(m):
    "20 requests from 4 client threads, each its own rows, with bad requests in between"
    from concurrent.futures import ThreadPoolExecutor

    def one(s):
        if s % 5 == 4:  # a bad request among the good ones must not disturb them
            return _error(_post(s_client[0], "/predictions/iris", {"data": [[1.0]]}))
        return _post(s_client[0], "/predictions/iris", {"data": _rows(100 + s, 1 + s % 3)})

    s_client: list = []

    def calls(c):
        s_client.append(c)
        with ThreadPoolExecutor(4) as pool:
            return list(pool.map(one, range(20)))
    return _run(m, 6, "iris", calls)
