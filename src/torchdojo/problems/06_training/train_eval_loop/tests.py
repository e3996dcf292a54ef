"""Probes for train_eval_loop: with a probe-built classifier (Linear, BatchNorm1d, ReLU, Dropout,
Linear) and probe-made weights and buffers, the parameters, batch-norm buffers and returned loss
after one epoch equal the reference's; evaluate's loss and accuracy equal the reference's, as
Python floats in a tuple, with no graph built, no gradient written and the running statistics
unchanged; the modes the two functions leave the model in; loaders with a short last batch."""

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from torchdojo.probes import compare, probe

_SPEC = {"0.weight": (8, 4), "0.bias": (8,), "1.weight": (8,), "1.bias": (8,),
         "4.weight": (3, 8), "4.bias": (3,)}


def _model(seed: int) -> nn.Sequential:
    """The probe's classifier with weights and batch-norm buffers from a seeded generator."""
    g = torch.Generator().manual_seed(seed)
    sd = {k: torch.randn(shape, generator=g) * 0.6 for k, shape in _SPEC.items()}
    sd["1.weight"] = 1 + 0.2 * sd["1.weight"]
    sd["1.running_mean"] = 0.3 * torch.randn(8, generator=g)
    sd["1.running_var"] = 0.5 + torch.rand(8, generator=g)
    sd["1.num_batches_tracked"] = torch.tensor(5)
    model = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8, momentum=0.2), nn.ReLU(),
                          nn.Dropout(0.3), nn.Linear(8, 3))
    model.load_state_dict(sd, strict=True)
    return model


def _loader(n: int, batch_size: int, seed: int) -> DataLoader:
    """Seeded 3-class data (x (n, 4), y (n,) int64) in a fixed order; the last batch may be short."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 4, generator=g)
    score = x @ torch.tensor([[1.0, -1.0, 0.0], [0.5, 0.5, -1.0], [0.0, 1.0, 1.0],
                              [-1.0, 0.0, 0.5]])
    y = (score + 0.5 * torch.randn(n, 3, generator=g)).argmax(dim=1)
    return DataLoader(TensorDataset(x, y), batch_size=batch_size)


def _state(model: nn.Module) -> dict:
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def _train_obs(loss, model) -> dict:
    return {"type": type(loss).__name__, "is_float": isinstance(loss, float),
            "loss": float(loss) if isinstance(loss, float) else None,
            "state": _state(model), "training": model.training}


def _train_judge(got, ref):
    if not got["is_float"]:
        return f"train_one_epoch should return a Python float, got {got['type']}"
    why = compare(got["state"], ref["state"], rtol=1e-5, atol=1e-6)
    if why:
        return ("after one epoch the parameters or batch-norm buffers differ from those of a "
                f"correct epoch (same model, data, optimizer and dropout seed): {why}")
    if compare(got["loss"], ref["loss"], rtol=1e-5, atol=1e-7):
        return (f"returned loss {got['loss']:.6f}, expected {ref['loss']:.6f}: the mean of the "
                "per-sample losses over all the samples of the epoch")
    if not got["training"]:
        return "the model is in eval mode after train_one_epoch; it must be left in training mode"
    return None


@probe(public=True, judge=_train_judge)
def train_epoch_bn_dropout(m):
    "a Linear-BatchNorm-ReLU-Dropout-Linear classifier handed over in eval mode, CrossEntropyLoss, SGD(lr=0.1, momentum=0.9), 30 samples in batches of 8 (last 6): parameters, buffers, loss"
    model = _model(seed=1)
    model.eval()  # as if a validation pass had just run
    loader = _loader(30, 8, seed=101)
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    torch.manual_seed(123)  # the dropout masks
    loss = m.train_one_epoch(model, loader, nn.CrossEntropyLoss(), opt)
    return _train_obs(loss, model)


@probe(judge=_train_judge)
def train_epoch_stale_gradients(m):
    "a model arriving with gradients left from an earlier backward, plain SGD(lr=0.2), 22 samples in batches of 5 (last 2)"
    model = _model(seed=2)
    x = torch.randn(6, 4, generator=torch.Generator().manual_seed(7))
    (model(x) ** 2).sum().backward()  # leftover .grad from before the epoch
    loader = _loader(22, 5, seed=102)
    opt = torch.optim.SGD(model.parameters(), lr=0.2)
    torch.manual_seed(7)
    loss = m.train_one_epoch(model, loader, nn.CrossEntropyLoss(), opt)
    return _train_obs(loss, model)


def _eval_obs(m, model: nn.Module, loader: DataLoader) -> dict:
    """Run the learner's evaluate with a forward hook that records whether a graph was built."""
    seen = []

    def hook(_mod, _inp, out):
        seen.append({"grad_enabled": torch.is_grad_enabled(), "grad_fn": out.grad_fn is not None})

    handle = model.register_forward_hook(hook)
    try:
        result = m.evaluate(model, loader, nn.CrossEntropyLoss())
    finally:
        handle.remove()
    obs = {"type": type(result).__name__, "state": _state(model), "training": model.training,
           "grads": [n for n, p in model.named_parameters() if p.grad is not None],
           "graph": any(s["grad_fn"] for s in seen),
           "grad_enabled": any(s["grad_enabled"] for s in seen),
           "forwards": len(seen)}
    if isinstance(result, tuple) and len(result) == 2:
        obs["types"] = [type(v).__name__ for v in result]
        obs["values"] = [float(v) if isinstance(v, float) else None for v in result]
    return obs


def _eval_judge(got, ref):
    if got["type"] != "tuple" or "types" not in got:
        return f"evaluate should return a tuple (loss, accuracy), got {got['type']}"
    if got["types"] != ["float", "float"]:
        return f"evaluate should return two Python floats, got {tuple(got['types'])}"
    if got["forwards"] == 0:
        return "evaluate never ran the model"
    if got["graph"] or got["grad_enabled"]:
        return ("evaluate built an autograd graph (the model's output had a grad_fn): run the "
                "evaluation under torch.no_grad()")
    if got["grads"]:
        return f"evaluate wrote gradients into {got['grads'][:3]}: it must not call backward"
    if got["training"]:
        return "the model is in training mode after evaluate; it must be left in eval mode"
    why = compare(got["state"], ref["state"], rtol=0, atol=0)
    if why:
        return ("evaluate changed the model's parameters or batch-norm running statistics "
                f"(evaluation must not move them): {why}")
    (loss, acc), (ref_loss, ref_acc) = got["values"], ref["values"]
    if compare(loss, ref_loss, rtol=1e-5, atol=1e-7):
        return (f"evaluate's loss is {loss:.6f}, expected {ref_loss:.6f}: the mean over all "
                "samples, with the model in eval mode")
    if compare(acc, ref_acc, rtol=1e-6, atol=1e-9):
        return (f"evaluate's accuracy is {acc:.6f}, expected {ref_acc:.6f}: correct predictions "
                "divided by the number of samples")
    return None


@probe(public=True, judge=_eval_judge)
def evaluate_short_last_batch(m):
    "the classifier handed over in training mode, 29 samples in batches of 8 (last 5): (loss, accuracy), mode, buffers, no graph"
    model = _model(seed=3)  # in training mode, as built
    return _eval_obs(m, model, _loader(29, 8, seed=103))


@probe(judge=_eval_judge)
def evaluate_other_batches(m):
    "another classifier, 37 samples in batches of 10 (last 7): (loss, accuracy), mode, buffers, no graph"
    return _eval_obs(m, _model(seed=4), _loader(37, 10, seed=104))


def _run_judge(got, ref):
    if got["types"] != ["float"] * len(got["types"]):
        return f"expected Python floats from every call, got {got['types']}"
    why = compare(got["values"], ref["values"], rtol=1e-5, atol=1e-6)
    if why:
        return ("the losses and accuracies of three train/evaluate rounds differ from a correct "
                f"run: {why}")
    why = compare(got["state"], ref["state"], rtol=1e-5, atol=1e-6)
    return f"after three rounds the model's state differs from a correct run: {why}" if why else None


@probe(judge=_run_judge)
def train_and_evaluate_rounds(m):
    "three rounds of train_one_epoch then evaluate (Adam, lr=0.02; 40 training samples, 23 held out): every loss and accuracy, final state"
    model = _model(seed=5)
    train_dl, test_dl = _loader(40, 8, seed=105), _loader(23, 6, seed=106)
    opt = torch.optim.Adam(model.parameters(), lr=0.02)
    loss_fn = nn.CrossEntropyLoss()
    torch.manual_seed(5)
    values = []
    for _ in range(3):
        values.append(m.train_one_epoch(model, train_dl, loss_fn, opt))
        values.extend(m.evaluate(model, test_dl, loss_fn))
    return {"types": [type(v).__name__ for v in values],
            "values": [v if isinstance(v, float) else float("nan") for v in values],
            "state": _state(model)}
