#!/usr/bin/python3
"""Plain-PyTorch reference forward of Qwen2 / Qwen3 decoders, for parity tests of the TorchSharp DecoderLM.

Written from Hugging Face's modeling_qwen2.py / modeling_qwen3.py (eager attention path), without transformers:
  RMSNorm in float32 then cast back and scaled; rotate_half RoPE with inv_freq = 1/theta^(arange(0,d,2)/d);
  GQA by repeat_kv; q/k/v bias (qwen2, o_proj never biased) or attention_bias on all four (qwen3);
  per-head q_norm/k_norm before RoPE (qwen3); SwiGLU MLP; tied or untied head.
Left padding follows the C# side (Models/AttentionMask.cs) and HF generate: positions = cumsum(mask) - 1 with pads
set to 1, keys masked by the padding mask plus causality. Greedy decoding recomputes the whole sequence each step
(no cache), so it is an independent check of the C# KV-cache path.

Usage: qwen_reference.py MODEL_DIR INPUT_JSON OUT_DIR [--threads N]
  MODEL_DIR holds config.json and model.safetensors (read with json + struct + numpy; no safetensors package needed).
  INPUT_JSON: {"cases": [{"name": str, "input_ids": [[int]], "attention_mask": [[0|1]] (optional),
                          "greedy_new_tokens": int (optional, 0 = none)}]}
  OUT_DIR gets <name>.logits.f32 (raw float32 little-endian, shape [B,T,V]) per case and result.json:
  {"torch_version": str, "cases": {name: {"logits_shape": [B,T,V], "greedy": [[int]] (new tokens per row)}}}.
Needs Debian's python3-torch (scripts/install.sh installs it); run with /usr/bin/python3.
"""
import json
import os
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F

DTYPES = {"F32": np.float32, "F16": np.float16, "BF16": np.uint16, "F64": np.float64, "I64": np.int64, "I32": np.int32}


def load_safetensors(path):
    """name -> float32 torch tensor, from the spec: u64 LE header length, JSON header, raw little-endian data."""
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n])
    base = 8 + n
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        dtype = info["dtype"]
        if dtype not in DTYPES:
            raise SystemExit(f"{path}: tensor {name} has dtype {dtype}, which this reference does not read")
        begin, end = info["data_offsets"]
        array = np.frombuffer(blob, dtype=DTYPES[dtype], count=(end - begin) // np.dtype(DTYPES[dtype]).itemsize,
                              offset=base + begin).reshape(info["shape"])
        if dtype == "BF16":  # bf16 is the top half of a float32
            array = (array.astype(np.uint32) << 16).view(np.float32)
        tensors[name] = torch.from_numpy(array.astype(np.float32 if dtype != "I64" else np.int64, copy=True))
    return tensors


def rope_theta(cfg):
    """rope_theta at the top level (transformers 4.x) or inside rope_parameters (transformers 5.x); default RoPE only."""
    for key in ("rope_scaling", "rope_parameters"):
        block = cfg.get(key)
        if block and block.get("rope_type", block.get("type", "default")) != "default":
            raise SystemExit(f"config.json: {key} {block} is not plain RoPE; this reference implements only 'default'")
    if "rope_theta" in cfg:
        return float(cfg["rope_theta"])
    return float((cfg.get("rope_parameters") or {}).get("rope_theta", 10000.0))


class Weights:
    """Strict access: every tensor of the file must be used exactly by the architecture the config describes."""

    def __init__(self, tensors):
        self.tensors, self.used = tensors, set()

    def get(self, name):
        if name not in self.tensors:
            raise SystemExit(f"model.safetensors lacks {name}")
        self.used.add(name)
        return self.tensors[name]

    def check_all_used(self):
        unused = sorted(set(self.tensors) - self.used)
        if unused:
            raise SystemExit(f"model.safetensors has tensors the architecture does not use: {unused[:10]}")


def rms_norm(x, weight, eps):
    input_dtype = x.dtype
    h = x.to(torch.float32)
    variance = h.pow(2).mean(-1, keepdim=True)
    h = h * torch.rsqrt(variance + eps)
    return weight * h.to(input_dtype)


def rotate_half(x):
    x1, x2 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2:]
    return torch.cat((-x2, x1), dim=-1)


def rope_tables(position_ids, head_dim, theta, dtype):
    inv_freq = 1.0 / (theta ** (torch.arange(0, head_dim, 2, dtype=torch.int64).float() / head_dim))
    inv_freq_expanded = inv_freq[None, :, None].float().expand(position_ids.shape[0], -1, 1)
    freqs = (inv_freq_expanded @ position_ids[:, None, :].float()).transpose(1, 2)   # [B,T,D/2]
    emb = torch.cat((freqs, freqs), dim=-1)
    return emb.cos().to(dtype), emb.sin().to(dtype)


def repeat_kv(h, n_rep):
    b, kv, s, d = h.shape
    if n_rep == 1:
        return h
    return h[:, :, None, :, :].expand(b, kv, n_rep, s, d).reshape(b, kv * n_rep, s, d)


class QwenReference:
    def __init__(self, model_dir):
        with open(os.path.join(model_dir, "config.json")) as f:
            cfg = json.load(f)
        self.type = cfg["model_type"]
        if self.type not in ("qwen2", "qwen3"):
            raise SystemExit(f"model_type {self.type} is not qwen2 or qwen3")
        self.layers = cfg["num_hidden_layers"]
        self.heads = cfg["num_attention_heads"]
        self.kv_heads = cfg.get("num_key_value_heads") or self.heads
        self.head_dim = cfg.get("head_dim") or cfg["hidden_size"] // self.heads
        self.eps = cfg.get("rms_norm_eps", 1e-6)
        self.theta = rope_theta(cfg)
        self.tied = cfg.get("tie_word_embeddings", False)
        # HF Qwen2: q/k/v always biased, o_proj never. HF Qwen3: attention_bias switches all four.
        self.qkv_bias = True if self.type == "qwen2" else bool(cfg.get("attention_bias", False))
        self.o_bias = False if self.type == "qwen2" else bool(cfg.get("attention_bias", False))
        self.w = Weights(load_safetensors(os.path.join(model_dir, "model.safetensors")))
        self._bind()
        self.w.check_all_used()

    def _bind(self):
        self.embed = self.w.get("model.embed_tokens.weight")
        self.blocks = [self._block(i) for i in range(self.layers)]
        self.norm = self.w.get("model.norm.weight")
        self.head = self.embed if self.tied else self.w.get("lm_head.weight")

    def _block(self, i):
        p = f"model.layers.{i}."
        g = self.w.get
        b = {"in_norm": g(p + "input_layernorm.weight"), "post_norm": g(p + "post_attention_layernorm.weight")}
        for name in ("q_proj", "k_proj", "v_proj", "o_proj"):
            b[name] = g(p + f"self_attn.{name}.weight")
            has_bias = self.o_bias if name == "o_proj" else self.qkv_bias
            b[name + ".bias"] = g(p + f"self_attn.{name}.bias") if has_bias else None
        if self.type == "qwen3":
            b["q_norm"], b["k_norm"] = g(p + "self_attn.q_norm.weight"), g(p + "self_attn.k_norm.weight")
        for name in ("gate_proj", "up_proj", "down_proj"):
            b[name] = g(p + f"mlp.{name}.weight")
        return b

    def _attention(self, b, x, cos, sin, additive_mask):
        bsz, t, _ = x.shape
        hidden_shape = (bsz, t, -1, self.head_dim)
        q = F.linear(x, b["q_proj"], b["q_proj.bias"]).view(hidden_shape)
        k = F.linear(x, b["k_proj"], b["k_proj.bias"]).view(hidden_shape)
        v = F.linear(x, b["v_proj"], b["v_proj.bias"]).view(hidden_shape).transpose(1, 2)
        if self.type == "qwen3":
            q, k = rms_norm(q, b["q_norm"], self.eps), rms_norm(k, b["k_norm"], self.eps)
        q, k = q.transpose(1, 2), k.transpose(1, 2)
        c, s = cos.unsqueeze(1), sin.unsqueeze(1)
        q, k = q * c + rotate_half(q) * s, k * c + rotate_half(k) * s
        groups = self.heads // self.kv_heads
        k, v = repeat_kv(k, groups), repeat_kv(v, groups)
        scores = torch.matmul(q, k.transpose(2, 3)) * self.head_dim ** -0.5 + additive_mask
        probs = F.softmax(scores, dim=-1, dtype=torch.float32).to(q.dtype)
        out = torch.matmul(probs, v).transpose(1, 2).reshape(bsz, t, -1)
        return F.linear(out, b["o_proj"], b["o_proj.bias"])

    def forward(self, ids, mask):
        """Logits [B,T,V] for ids [B,T] and a 1/0 key mask [B,T]; differentiable when the weights require grad."""
        bsz, t = ids.shape
        positions = (mask.cumsum(-1) - 1).masked_fill(mask == 0, 1)
        causal = torch.ones(t, t, dtype=torch.bool).tril()
        allowed = causal[None, None] & mask.bool()[:, None, None, :]
        # HF's eager path: a large negative where not allowed (a fully masked padding row becomes uniform, never NaN).
        additive = torch.zeros(allowed.shape, dtype=torch.float32).masked_fill(~allowed, torch.finfo(torch.float32).min)
        h = F.embedding(ids, self.embed)
        cos, sin = rope_tables(positions, self.head_dim, self.theta, h.dtype)
        for b in self.blocks:
            h = h + self._attention(b, rms_norm(h, b["in_norm"], self.eps), cos, sin, additive)
            x = rms_norm(h, b["post_norm"], self.eps)
            h = h + F.linear(F.silu(F.linear(x, b["gate_proj"])) * F.linear(x, b["up_proj"]), b["down_proj"])
        return F.linear(rms_norm(h, self.norm, self.eps), self.head)

    def parameters(self):
        """Every distinct weight tensor (the tied head is the embedding itself)."""
        return [self.w.tensors[name] for name in sorted(self.w.used)]

    def to(self, dtype):
        """Casts every weight in place of the old ones (for the bf16 throughput runs)."""
        for name in self.w.used:
            self.w.tensors[name] = self.w.tensors[name].to(dtype)
        self._bind()
        return self

    @torch.no_grad()
    def greedy(self, ids, mask, new_tokens):
        """argmax continuation of every row for exactly new_tokens steps (no EOS handling), full recompute each step."""
        out = []
        for _ in range(new_tokens):
            nxt = self.forward(ids, mask)[:, -1].argmax(-1)
            out.append(nxt)
            ids = torch.cat([ids, nxt[:, None]], 1)
            mask = torch.cat([mask, torch.ones_like(mask[:, :1])], 1)
        return torch.stack(out, 1).tolist() if out else [[] for _ in range(ids.shape[0])]


def main(argv):
    args = [a for a in argv if not a.startswith("--threads")]
    threads = next((int(a.split("=", 1)[1]) for a in argv if a.startswith("--threads=")), 1)
    if len(args) != 3:
        raise SystemExit(__doc__)
    model_dir, input_json, out_dir = args
    torch.set_num_threads(threads)
    model = QwenReference(model_dir)
    with open(input_json) as f:
        cases = json.load(f)["cases"]
    os.makedirs(out_dir, exist_ok=True)
    result = {"torch_version": torch.__version__, "cases": {}}
    for case in cases:
        ids = torch.tensor(case["input_ids"], dtype=torch.int64)
        mask = torch.tensor(case.get("attention_mask") or [[1] * ids.shape[1]] * ids.shape[0], dtype=torch.int64)
        with torch.no_grad():
            logits = model.forward(ids, mask).to(torch.float32).contiguous()
        logits.numpy().astype("<f4").tofile(os.path.join(out_dir, case["name"] + ".logits.f32"))
        result["cases"][case["name"]] = {"logits_shape": list(logits.shape),
                                         "greedy": model.greedy(ids, mask, int(case.get("greedy_new_tokens", 0)))}
    with open(os.path.join(out_dir, "result.json"), "w") as f:
        json.dump(result, f, indent=1)


if __name__ == "__main__":
    main(sys.argv[1:])
