#!/usr/bin/env python3
"""Builds Hugging Face reference fixtures for the TorchSharp decoder (run on a machine that has `transformers`).

For each tiny config below (the dimensions of tiny-qwen2 / tiny-qwen3 in src/Code2Lora/Models/ModelConfigs.cs) it
builds a random Qwen2ForCausalLM / Qwen3ForCausalLM in float32 with eager attention, rescales the weights so every
component moves the logits by O(1) (as PyTorchParityTests does), saves it with save_pretrained (safetensors), reloads
it with from_pretrained, and writes into tests/fixtures/hf/<name>/:
  config.json, model.safetensors           what save_pretrained wrote (the C# loader must read them unchanged)
  inputs.json                              {"cases": [{"name", "input_ids", "attention_mask", "greedy_new_tokens"}]}
  expected.json                            {"transformers_version", "torch_version",
                                            "cases": {name: {"logits_shape": [B,T,V], "greedy": [[int]]}}}
  <case>.logits.f32                        logits [B,T,V], raw float32 little-endian
Same layout as scripts/reference/qwen_reference.py, so HfFixtureTests reads both with one reader. Left padding uses
position_ids = cumsum(mask) - 1 with pads at 1 (what generate() passes; a bare forward() would use arange). Greedy
decoding is a plain argmax loop over full forwards (no cache, no EOS stop), which the C# KV-cache path must reproduce.

Usage: python make_hf_fixtures.py [OUT_ROOT]   (default: tests/fixtures/hf next to this checkout's scripts/)
Needs torch and transformers (4.40+ or 5.x); no tokenizer is written (the tests feed token ids).
"""
import inspect
import json
import os
import sys

import torch
import transformers
from transformers import Qwen2Config, Qwen2ForCausalLM, Qwen3Config, Qwen3ForCausalLM

SEED = 20241

COMMON = dict(vocab_size=512, hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
              num_key_value_heads=2, max_position_embeddings=2048, rms_norm_eps=1e-6, bos_token_id=1, eos_token_id=2)

FIXTURES = {
    # tiny-qwen2: GQA 4/2, q/k/v bias, tied head.
    "tiny-qwen2": (Qwen2Config, Qwen2ForCausalLM, dict(COMMON, rope_theta=10000.0, tie_word_embeddings=True)),
    # tiny-qwen3: explicit head_dim 32 (> hidden/heads), q/k norm, no bias, untied head, theta 1e6.
    "tiny-qwen3": (Qwen3Config, Qwen3ForCausalLM,
                   dict(COMMON, head_dim=32, rope_theta=1000000.0, tie_word_embeddings=False, attention_bias=False)),
}

# Same prompts as ReferenceCase.Standard in the C# tests: one unpadded sequence, then a left-padded batch of two.
CASES = [
    ("single", [[1, 17, 305, 42, 88, 255, 7, 301, 460, 12, 99, 3]], 10),
    ("padded", [[1, 400, 23, 77, 140, 9, 510, 64, 31], [1, 250, 5, 333, 48]], 10),
]
PAD_ID = 0


def make_config(config_cls, values):
    """transformers 5 moved rope_theta into rope_parameters; pass it whichever way this version takes it."""
    values = dict(values)
    theta = values.pop("rope_theta")
    if "rope_parameters" in inspect.signature(config_cls.__init__).parameters:
        values["rope_parameters"] = {"rope_type": "default", "rope_theta": theta}
    else:
        values["rope_theta"] = theta
    config = config_cls(**values)
    config._attn_implementation = "eager"   # the reference math, no SDPA/flash kernels
    return config


@torch.no_grad()
def rescale(model):
    torch.manual_seed(SEED)
    for name, p in model.named_parameters():
        noise = torch.randn_like(p)
        if name.endswith("norm.weight"):
            p.copy_(noise * 0.2 + 1.0)
        elif name.endswith(".bias"):
            p.copy_(noise * 0.5)
        elif name == "model.embed_tokens.weight":
            p.copy_(noise * 0.5)
        elif p.dim() == 2:
            p.copy_(noise / p.shape[1] ** 0.5 * 1.5)


def left_pad(rows):
    length = max(len(r) for r in rows)
    ids = [[PAD_ID] * (length - len(r)) + r for r in rows]
    mask = [[0] * (length - len(r)) + [1] * len(r) for r in rows]
    return ids, mask


@torch.no_grad()
def logits_of(model, ids, mask):
    positions = (mask.cumsum(-1) - 1).masked_fill(mask == 0, 1)
    return model(input_ids=ids, attention_mask=mask, position_ids=positions, use_cache=False).logits.float()


@torch.no_grad()
def greedy(model, ids, mask, new_tokens):
    out = []
    for _ in range(new_tokens):
        nxt = logits_of(model, ids, mask)[:, -1].argmax(-1)
        out.append(nxt)
        ids = torch.cat([ids, nxt[:, None]], 1)
        mask = torch.cat([mask, torch.ones_like(mask[:, :1])], 1)
    return torch.stack(out, 1).tolist()


def build(name, config_cls, model_cls, values, out_root):
    out = os.path.join(out_root, name)
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(SEED)
    model = model_cls(make_config(config_cls, values)).to(torch.float32).eval()
    rescale(model)
    model.save_pretrained(out, safe_serialization=True)
    # Evaluate the reloaded copy, so the expected values belong to exactly what is on disk.
    dtype_kw = "dtype" if int(transformers.__version__.split(".")[0]) >= 5 else "torch_dtype"   # renamed in 5.x
    model = model_cls.from_pretrained(out, attn_implementation="eager", **{dtype_kw: torch.float32}).eval()

    inputs, expected = [], {}
    for case, rows, new_tokens in CASES:
        ids, mask = left_pad(rows)
        inputs.append({"name": case, "input_ids": ids, "attention_mask": mask, "greedy_new_tokens": new_tokens})
        ids_t, mask_t = torch.tensor(ids), torch.tensor(mask)
        logits = logits_of(model, ids_t, mask_t).contiguous()
        logits.numpy().astype("<f4").tofile(os.path.join(out, case + ".logits.f32"))
        expected[case] = {"logits_shape": list(logits.shape), "greedy": greedy(model, ids_t, mask_t, new_tokens)}
    with open(os.path.join(out, "inputs.json"), "w") as f:
        json.dump({"cases": inputs}, f, indent=1)
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump({"transformers_version": transformers.__version__, "torch_version": torch.__version__,
                   "cases": expected}, f, indent=1)
    print(f"{name}: wrote {out}")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out_root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..", "tests", "fixtures", "hf")
    torch.set_num_threads(1)
    for name, (config_cls, model_cls, values) in FIXTURES.items():
        build(name, config_cls, model_cls, values, os.path.abspath(out_root))


if __name__ == "__main__":
    main()
