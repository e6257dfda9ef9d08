#!/usr/bin/python3
"""PyTorch side of `c2l bench train-speed`: times forward + cross-entropy + backward + grad clip + AdamW steps of the
decoder in MODEL_DIR (config.json + model.safetensors written by the C# side), on the token batch in IDS_JSON.

The model is qwen_reference.QwenReference (the same code the parity tests check against the C# decoder) with its
weights made trainable; attention is the eager matmul-softmax path (Debian's torch 1.13 has no fused SDPA).

Usage: train_throughput.py MODEL_DIR IDS_JSON --threads=N --warmup=W --steps=S --precision=fp32|bf16
         [--lr=2e-3 --weight-decay=0.1 --max-grad-norm=1.0]
  IDS_JSON: {"input_ids": [[int]]} (labels are the ids, shifted inside the loss as in HF).
Prints one JSON object: ms_per_step, tokens_per_s, peak_rss_mb, first_loss, last_loss, torch_version, threads, blas.
"""
import json
import os
import resource
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from qwen_reference import QwenReference  # noqa: E402


def option(argv, name, default):
    for a in argv:
        if a.startswith(f"--{name}="):
            return type(default)(a.split("=", 1)[1])
    return default


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    if len(args) != 2:
        raise SystemExit(__doc__)
    threads, warmup, steps = option(argv, "threads", 1), option(argv, "warmup", 2), option(argv, "steps", 5)
    precision = option(argv, "precision", "fp32")
    lr, wd, clip = option(argv, "lr", 2e-3), option(argv, "weight-decay", 0.1), option(argv, "max-grad-norm", 1.0)
    if precision not in ("fp32", "bf16"):
        raise SystemExit(f"--precision must be fp32 or bf16, got {precision}")
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = QwenReference(args[0])
    if precision == "bf16":
        model.to(torch.bfloat16)
    params = model.parameters()
    for p in params:
        p.requires_grad_(True)
    optimizer = torch.optim.AdamW(params, lr=lr, weight_decay=wd)
    with open(args[1]) as f:
        ids = torch.tensor(json.load(f)["input_ids"], dtype=torch.int64)
    mask = torch.ones_like(ids)

    def step():
        optimizer.zero_grad(set_to_none=True)
        logits = model.forward(ids, mask)
        loss = F.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]).float(), ids[:, 1:].reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, clip)
        optimizer.step()
        return loss.item()

    losses = [step() for _ in range(warmup)]
    start = time.perf_counter()
    losses += [step() for _ in range(steps)]
    seconds = time.perf_counter() - start
    blas = "openblas" if "openblas" in open("/proc/self/maps").read() else "other"
    print(json.dumps({
        "ms_per_step": seconds / steps * 1000.0,
        "tokens_per_s": ids.numel() * steps / seconds,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        "first_loss": losses[0], "last_loss": losses[-1],
        "torch_version": torch.__version__, "threads": torch.get_num_threads(), "blas": blas,
    }))


if __name__ == "__main__":
    main(sys.argv[1:])
