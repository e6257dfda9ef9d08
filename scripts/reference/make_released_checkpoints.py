#!/usr/bin/env python3
"""Writes tiny checkpoints in the three `.pt` layouts of the authors' released Code2LoRA models (paper-notes §1.9), for the
C# loader's tests (tests/Code2Lora.Tests/Hyper/ReleasedCheckpointTests.cs).

The modules below are written from the paper-notes description of the head (§1.3) and the GRU (§1.5); the key names and the
nesting of the saved dicts are what the authors' trainers save:
  v2_static.pt  {state_dict, config{input_dim, hidden_dim, rank, types, type_dims, num_tasks, task_dim}, type_dims, args}
  gru.pt        {gru_state, head_state, head_config, gru_config{diff_input_dim, repo_state_dim, hidden_dim}, type_dims, args,
                 per_step_input}
  v1.pt         {hypernet_state_dict, module_specs[(name, layer, type, in, out)], hypernet_config{input_dim, hidden_dim, rank,
                 types, type_shapes}}
  v2_multitask.pt  a V2 head with a task embedding (num_tasks = 2), which the C# loader must refuse with a clear message.
The type dimensions are those of the shipped tiny LM (data/models/tiny-python-lm/config.json), so the loaded heads run on it.
Every parameter is random (log-scales too, so a loader that ignores them fails).

Beside each file, <name>.expected.json records, per tensor, dtype, shape and the SHA-256 of its little-endian bytes, and a
reference forward pass: the context fed (a closed-form vector both languages compute exactly), and the adapters the PyTorch
module produced, as raw float32 in <name>.adapter.f32 (for each type in sorted order: A [r, in], then B [out, r]).

Usage: /usr/bin/python3 scripts/reference/make_released_checkpoints.py [OUT_DIR]   (default tests/fixtures/released-checkpoints)
Needs only torch (Debian's python3-torch 1.13 writes the same zip/pickle format as the authors' torch 2.9).
"""
import hashlib
import json
import math
import os
import sys

import torch
from torch import nn
import torch.nn.functional as F

SEED = 4242
RANK = 2
ALPHA = 4.0
INPUT_DIM = 2048   # the released vectors' width
HEAD_HIDDEN = 4
GRU_HIDDEN = 8
TYPES = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def type_dims_of(config_path):
    c = json.load(open(config_path))
    h, ffn = c["hidden_size"], c["intermediate_size"]
    q = c["num_attention_heads"] * c["head_dim"]
    kv = c["num_key_value_heads"] * c["head_dim"]
    return {"q_proj": (h, q), "k_proj": (h, kv), "v_proj": (h, kv), "o_proj": (q, h),
            "gate_proj": (h, ffn), "up_proj": (h, ffn), "down_proj": (ffn, h)}, c["num_hidden_layers"]


class Head(nn.Module):
    """trunk (Linear, GELU, Linear, GELU) -> L2 normalise * sqrt(H) -> per type tanh(Linear) * clamp(exp(s), 1e-5, 0.3)."""

    def __init__(self, input_dim, type_dims, hidden, rank, num_tasks=0, task_dim=0):
        super().__init__()
        self.input_dim, self.hidden, self.rank, self.type_dims = input_dim, hidden, rank, type_dims
        self.types = sorted(type_dims)
        self.num_tasks, self.task_dim = num_tasks, task_dim
        if num_tasks:
            self.task_embedding = nn.Embedding(num_tasks, task_dim)
        self.trunk = nn.Sequential(nn.Linear(input_dim + task_dim, hidden), nn.GELU(), nn.Linear(hidden, hidden), nn.GELU())
        self.heads_A = nn.ModuleDict({t: nn.Linear(hidden, rank * type_dims[t][0]) for t in self.types})
        self.heads_B = nn.ModuleDict({t: nn.Linear(hidden, type_dims[t][1] * rank) for t in self.types})
        self.log_scale_A = nn.ParameterDict({t: nn.Parameter(torch.tensor(-3.5)) for t in self.types})
        self.log_scale_B = nn.ParameterDict({t: nn.Parameter(torch.tensor(-3.5)) for t in self.types})
        with torch.no_grad():
            for p in list(self.log_scale_A.values()) + list(self.log_scale_B.values()):
                p.uniform_(-3.0, -1.5)

    def forward(self, ctx):
        h = F.normalize(self.trunk(ctx.float()), p=2, dim=-1) * math.sqrt(self.hidden)
        out = {}
        for t in self.types:
            i, o = self.type_dims[t]
            a = torch.tanh(self.heads_A[t](h).view(-1, self.rank, i)) * torch.exp(self.log_scale_A[t]).clamp(1e-5, 0.3)
            b = torch.tanh(self.heads_B[t](h).view(-1, o, self.rank)) * torch.exp(self.log_scale_B[t]).clamp(1e-5, 0.3)
            out[t] = (a, b)
        return out

    def config_dict(self):
        return {"input_dim": self.input_dim, "hidden_dim": self.hidden, "rank": self.rank, "types": self.types,
                "type_dims": {t: list(v) for t, v in self.type_dims.items()}, "num_tasks": self.num_tasks, "task_dim": self.task_dim}


class Gru(nn.Module):
    """h0 = LN(GELU(W s0)); h_t = GRU(LN(W d_t), h_{t-1}); context = LN(h_t)."""

    def __init__(self, diff_dim, state_dim, hidden):
        super().__init__()
        self.diff_dim, self.state_dim, self.hidden = diff_dim, state_dim, hidden
        self.diff_proj = nn.Sequential(nn.Linear(diff_dim, hidden), nn.LayerNorm(hidden))
        self.repo_init_proj = nn.Sequential(nn.Linear(state_dim, hidden), nn.GELU(), nn.LayerNorm(hidden))
        self.gru = nn.GRU(input_size=hidden, hidden_size=hidden, num_layers=1, batch_first=True)
        self.output_norm = nn.LayerNorm(hidden)
        with torch.no_grad():   # LayerNorm starts at (1, 0); random affine parameters catch a loader that skips them
            for ln in (self.diff_proj[1], self.repo_init_proj[2], self.output_norm):
                ln.weight.uniform_(0.5, 1.5)
                ln.bias.uniform_(-0.5, 0.5)

    def rollout(self, state0, diffs):
        h = self.repo_init_proj(state0).unsqueeze(0)            # [1, B, G]
        for d in diffs:
            _, h = self.gru(self.diff_proj(d).unsqueeze(1), h)
        return self.output_norm(h[0])


def probe(n, phase):
    """A context both languages compute exactly: ((i * 7 + phase) % 23 - 11) / 8, as float32."""
    return torch.tensor([[((i * 7 + phase) % 23 - 11) / 8.0 for i in range(n)]], dtype=torch.float32)


def describe(tensors):
    out = {}
    for k, t in tensors.items():
        data = t.detach().contiguous().cpu().numpy().tobytes()
        out[k] = {"dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape), "sha256": hashlib.sha256(data).hexdigest()}
    return out


def write(out_dir, name, payload, tensors, adapters, extra):
    torch.save(payload, os.path.join(out_dir, name + ".pt"))
    blob = b"".join(x.detach().contiguous().numpy().astype("<f4").tobytes() for t in sorted(adapters) for x in adapters[t])
    open(os.path.join(out_dir, name + ".adapter.f32"), "wb").write(blob)
    expected = {"torch_version": torch.__version__, "tensors": describe(tensors), **extra}
    with open(os.path.join(out_dir, name + ".expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"{name}.pt: {len(tensors)} tensors, {os.path.getsize(os.path.join(out_dir, name + '.pt'))} bytes")


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "tests", "fixtures", "released-checkpoints")
    os.makedirs(out_dir, exist_ok=True)
    type_dims, layers = type_dims_of(os.path.join(ROOT, "data", "models", "tiny-python-lm", "config.json"))
    args = {"model_name": "data/models/tiny-python-lm", "target_modules": TYPES, "rank": RANK, "alpha": ALPHA, "lr": 1e-4,
            "weight_decay": 0.01, "epochs": 3, "seed": SEED, "max_seq_len": 4096, "output_dir": "/tmp/out", "limit": None,
            "gradient_checkpointing": True}

    # V2 static (train_code2lora_static_v2 layout)
    torch.manual_seed(SEED)
    head = Head(INPUT_DIM, type_dims, HEAD_HIDDEN, RANK)
    ctx = probe(INPUT_DIM, 0)
    with torch.no_grad():
        adapters = {t: (a[0], b[0]) for t, (a, b) in head(ctx).items()}
    write(out_dir, "v2_static", {"state_dict": head.state_dict(), "config": head.config_dict(), "type_dims": dict(type_dims),
                                 "args": dict(args, head_hidden_dim=HEAD_HIDDEN)},
          head.state_dict(), adapters, {"context_phase": 0, "alpha": ALPHA})

    # GRU (train_code2lora_gru_v2 layout)
    torch.manual_seed(SEED + 1)
    gru = Gru(INPUT_DIM, INPUT_DIM, GRU_HIDDEN)
    gru_head = Head(GRU_HIDDEN, type_dims, HEAD_HIDDEN, RANK)
    with torch.no_grad():
        context = gru.rollout(probe(INPUT_DIM, 1), [probe(INPUT_DIM, 2), probe(INPUT_DIM, 3)])
        adapters = {t: (a[0], b[0]) for t, (a, b) in gru_head(context).items()}
    tensors = {"gru_state." + k: v for k, v in gru.state_dict().items()}
    tensors.update({"head_state." + k: v for k, v in gru_head.state_dict().items()})
    write(out_dir, "gru", {"gru_state": gru.state_dict(), "head_state": gru_head.state_dict(), "head_config": gru_head.config_dict(),
                           "gru_config": {"diff_input_dim": INPUT_DIM, "repo_state_dim": INPUT_DIM, "hidden_dim": GRU_HIDDEN},
                           "type_dims": dict(type_dims), "args": dict(args, gru_hidden_dim=GRU_HIDDEN, per_step_input="diff"),
                           "per_step_input": "diff"},
          tensors, adapters, {"state_phase": 1, "diff_phases": [2, 3], "context": context[0].tolist(), "alpha": ALPHA})

    # V1 (hypernetwork_sampled layout): the trainer L2-normalises the context before the head.
    torch.manual_seed(SEED + 2)
    v1 = Head(INPUT_DIM, type_dims, HEAD_HIDDEN, RANK)
    specs = sorted(((f"model.layers.{l}.{'self_attn' if t in TYPES[:4] else 'mlp'}.{t}", l, t, *type_dims[t])
                    for l in range(layers) for t in TYPES), key=lambda s: (s[1], s[0]))
    with torch.no_grad():
        adapters = {t: (a[0], b[0]) for t, (a, b) in v1(F.normalize(probe(INPUT_DIM, 4), p=2, dim=-1)).items()}
    write(out_dir, "v1", {"hypernet_state_dict": v1.state_dict(), "module_specs": specs,
                          "hypernet_config": {"input_dim": INPUT_DIM, "hidden_dim": HEAD_HIDDEN, "rank": RANK, "types": v1.types,
                                              "type_shapes": dict(type_dims)}},
          v1.state_dict(), adapters, {"context_phase": 4, "normalized_input": True})

    # A multi-task V2 head (c2l-terminal's task embedding): the loader must refuse it, naming the reason.
    torch.manual_seed(SEED + 3)
    mt = Head(8, {"q_proj": type_dims["q_proj"]}, 2, RANK, num_tasks=2, task_dim=4)
    torch.save({"state_dict": mt.state_dict(), "config": mt.config_dict(), "type_dims": {"q_proj": type_dims["q_proj"]}, "args": args},
               os.path.join(out_dir, "v2_multitask.pt"))
    print("v2_multitask.pt written")


if __name__ == "__main__":
    main()
