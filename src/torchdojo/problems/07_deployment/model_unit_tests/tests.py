"""Probes for model_unit_tests: the learner's checks are run against models, correct and broken.

Every model is an instance of a class named ``Net`` with the same submodules (fc1, bn, drop,
fc2, fc3), the same methods and the same parameter shapes, compiled from a template into a
fresh namespace (no source file to read); its hidden width is drawn at random per call and the
models of a probe are handed over in an order drawn from the OS's entropy, so nothing but the
models' behaviour tells them apart. Correct models include decoys written with the very calls
the broken ones misuse (``detach``, ``F.dropout``, ``F.batch_norm``, a private Generator).
Each call returns the learner's verdicts; the judge compares, per model, the verdict of the
check the bug must trip and of the checks it cannot affect with the reference's."""

import random

from torchdojo.probes import compare, probe

CHECK_NAMES = ["shape", "log_probs", "grad_flow", "seeded_init", "overfits",
               "eval_deterministic", "eval_independent"]

_TEMPLATE = '''
class Net(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        {pre}
        self.fc1 = nn.Linear(10, hidden)
        self.bn = nn.BatchNorm1d(hidden)
        self.drop = nn.Dropout(0.1)
        self.fc2 = nn.Linear(hidden, hidden)
        self.fc3 = nn.Linear(hidden, 3)
        {init}

    def train(self, mode=True):
        {train}

    def forward(self, x):
        h = F.relu({bn})
        h = {drop}
        {mid}
        z = {logits}
        return {out}
'''

_DEFAULT = {
    "pre": "pass",
    "init": "pass",
    "train": "return super().train(mode)",
    "bn": "self.bn(self.fc1(x))",
    "drop": "self.drop(h)",
    "mid": "h = h + F.relu(self.fc2(h))",
    "logits": "self.fc3(h)",
    "out": "F.log_softmax(z, dim=1)",
}

_FUNCTIONAL_BN = ("F.batch_norm(self.fc1(x), self.bn.running_mean, self.bn.running_var, "
                  "self.bn.weight, self.bn.bias, {}, self.bn.momentum, self.bn.eps)")

_VARIANTS = {
    # correct models (decoys use the calls the broken ones misuse, harmlessly)
    "correct": {},
    "correct_detach_decoy": {"mid": "h = h.detach() + (h - h.detach())\n"
                                    "        h = h + F.relu(self.fc2(h))"},
    "correct_functional_decoy": {
        "init": "g = torch.Generator().manual_seed(int(torch.randint(0, 2**31, (1,))))\n"
                "        nn.init.kaiming_uniform_(self.fc1.weight, a=5 ** 0.5, generator=g)",
        "bn": _FUNCTIONAL_BN.format("self.training"),
        "drop": "F.dropout(h, 0.1, training=self.training)",
        "out": "z - torch.logsumexp(z, dim=-1, keepdim=True)"},
    # bugs named in the statement
    "squeezed_output": {"out": "F.log_softmax(z, dim=1).squeeze()"},
    "detached_layer": {"bn": "self.bn(self.fc1(x)).detach()"},
    "softmax_wrong_dim": {"out": "F.log_softmax(z, dim=0)"},
    "dropout_in_eval": {"drop": "F.dropout(h, 0.1, training=True)"},
    "batchnorm_always_train": {"bn": _FUNCTIONAL_BN.format("True")},
    "init_ignores_seed": {
        "init": "g = torch.Generator().manual_seed(int.from_bytes(os.urandom(4), 'little'))\n"
                "        nn.init.kaiming_uniform_(self.fc1.weight, a=5 ** 0.5, generator=g)"},
    "squashed_logits": {"logits": "torch.sigmoid(self.fc3(h))"},
    # more bugs of the same kinds
    "dead_relu_bias": {"init": "nn.init.constant_(self.fc2.bias, -50.0)"},
    "frozen_bias": {"init": "self.fc3.bias.requires_grad_(False)"},
    "probabilities_not_log": {"out": "F.softmax(z, dim=1)"},
    "train_not_propagated": {"train": "self.training = mode\n        return self"},
    "init_fixed_seed": {"pre": "torch.manual_seed(1234)"},
    "bounded_logits": {"logits": "0.5 * torch.tanh(self.fc3(h))"},
}

_FORWARD_OK = ["shape", "log_probs", "eval_deterministic", "eval_independent"]
_ALL = list(CHECK_NAMES)
# model -> (checks the bug must fail, checks it cannot affect: they must pass)
_EXPECT = {
    "correct": ([], _ALL),
    "correct_detach_decoy": ([], _ALL),
    "correct_functional_decoy": ([], _ALL),
    "squeezed_output": (["shape"], ["grad_flow", "seeded_init", "eval_deterministic"]),
    "detached_layer": (["grad_flow"], _FORWARD_OK + ["seeded_init"]),
    "softmax_wrong_dim": (["log_probs"], ["shape", "grad_flow", "seeded_init",
                                          "eval_deterministic"]),
    "dropout_in_eval": (["eval_deterministic"], ["shape", "log_probs", "grad_flow"]),
    "batchnorm_always_train": (["eval_independent"], ["grad_flow"]),
    "init_ignores_seed": (["seeded_init"], _FORWARD_OK + ["grad_flow"]),
    "squashed_logits": (["overfits"], _FORWARD_OK + ["grad_flow", "seeded_init"]),
    "dead_relu_bias": (["grad_flow"], _FORWARD_OK + ["seeded_init"]),
    "frozen_bias": (["grad_flow"], _FORWARD_OK + ["seeded_init"]),
    "probabilities_not_log": (["log_probs"], ["shape", "grad_flow", "seeded_init",
                                              "eval_deterministic", "eval_independent"]),
    "train_not_propagated": (["eval_deterministic"], ["grad_flow"]),
    "init_fixed_seed": (["seeded_init"], _FORWARD_OK + ["grad_flow"]),
    "bounded_logits": (["overfits"], _FORWARD_OK + ["grad_flow", "seeded_init"]),
}


def _factory(variant: str, hidden: int):
    """A factory of fresh ``Net`` models of one variant, compiled from the template."""
    import os

    import torch
    import torch.nn.functional as F
    from torch import nn

    code = compile(_TEMPLATE.format(**{**_DEFAULT, **_VARIANTS[variant]}), "<model>", "exec")
    namespace = {"__name__": "model_under_test", "nn": nn, "F": F, "torch": torch, "os": os}
    exec(code, namespace)  # noqa: S102 - the probe's own template
    net = namespace["Net"]

    def model_factory():
        return net(hidden)

    return model_factory


def _run(m, variants: list[str]) -> dict:
    """The learner's verdicts per variant, the variants handed over in an unpredictable order."""
    import torch

    rng = random.SystemRandom()
    order = list(variants)
    rng.shuffle(order)
    out = {}
    for name in order:
        factory = _factory(name, rng.choice((16, 24, 32)))
        verdict = m.run_model_checks(factory)
        torch.set_grad_enabled(True)  # whatever the checks left behind
        if isinstance(verdict, dict):
            verdict = {k: v for k, v in verdict.items() if isinstance(k, str)}
        out[name] = verdict if isinstance(verdict, dict) else repr(type(verdict))
    return out


def _judge(got, ref):
    if not isinstance(got, dict):
        return f"expected a dict of verdicts per model, got {type(got).__name__}"
    for name in ref:
        g, r = got.get(name), ref[name]
        if not isinstance(g, dict):
            return f"run_model_checks should return a dict[str, bool], got {g}"
        if sorted(g) != sorted(CHECK_NAMES):
            return f"run_model_checks should return exactly the keys {CHECK_NAMES}, got {sorted(g)}"
        bad = [k for k in CHECK_NAMES if type(g[k]) is not bool]
        if bad:
            return f"the verdicts should be Python bools; {bad[0]!r} is {type(g[bad[0]]).__name__}"
        must_fail, must_pass = _EXPECT[name]
        for k in must_fail + must_pass:
            if compare(g[k], r[k]):
                if not must_fail:
                    return (f"a correct model failed your check {k!r}: a check must pass on "
                            f"every correct model, whatever its width or seed")
                if k in must_fail:
                    return f"your check {k!r} passed a model with a bug it should catch"
                return (f"a model whose bug does not affect {k!r} failed that check: each check "
                        f"should test its own property (bug caught by {must_fail[0]!r})")
    return None


@probe(public=True, judge=_judge)
def correct_models_pass(m):
    "three correct models (different widths and ways of writing them) pass every check"
    return _run(m, ["correct", "correct_detach_decoy", "correct_functional_decoy"])


@probe(public=True, judge=_judge)
def named_bugs_caught(m):
    "the seven bugs of the statement, one model each, in a random order"
    return _run(m, ["squeezed_output", "detached_layer", "softmax_wrong_dim", "dropout_in_eval",
                    "batchnorm_always_train", "init_ignores_seed", "squashed_logits"])


@probe(judge=_judge)
def other_bugs_caught(m):
    "six more bugs of the same kinds, and a correct model among them"
    return _run(m, ["dead_relu_bias", "frozen_bias", "probabilities_not_log",
                    "train_not_propagated", "init_fixed_seed", "bounded_logits",
                    "correct"])
