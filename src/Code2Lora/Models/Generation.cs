using TorchSharp;
using static TorchSharp.torch;

namespace Code2Lora.Models;

/// <summary>Decoding loops over a <see cref="DecoderLM"/>.</summary>
public static class Generation
{
    /// <summary>Batched greedy decoding: prompts are left-padded into one batch, a KV cache carries the past, each
    /// sequence stops at its first EOS, and finished sequences leave the batch. Returns only the new tokens per prompt (the EOS itself excluded).
    /// <paramref name="stopAfter"/>(row, token) may end a row early, keeping that token (e.g. at a newline when only the
    /// first line is scored).</summary>
    public static IReadOnlyList<int[]> Greedy(DecoderLM model, IReadOnlyList<int[]> prompts, int maxNewTokens, int? eosTokenId,
                                              IReadOnlySet<int>? bannedTokenIds = null, int? padTokenId = null,
                                              Func<int, int, bool>? stopAfter = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxNewTokens);
        for (var i = 0; i < prompts.Count; i++)
            if (prompts[i].Length == 0) throw new ArgumentException($"prompt {i} is empty; greedy decoding needs at least one token.");
        var outputs = prompts.Select(_ => new List<int>()).ToArray();
        if (prompts.Count == 0 || maxNewTokens == 0) return outputs.Select(o => o.ToArray()).ToList();

        var vocab = model.Config.VocabSize;
        var pad = padTokenId ?? eosTokenId ?? 0;
        var device = model.Device;
        using var noGrad = torch.no_grad();   // inference only: the model's Forward itself never disables autograd
        using var cache = model.NewCache();
        var (ids, mask) = LeftPad(prompts, pad, device);
        using var banned = BannedBias(bannedTokenIds, vocab, device);
        List<IPerRowState>? perRow = null;   // found when a row first leaves the batch: most single-prompt calls never need them
        var restores = new Stack<IDisposable>();
        // active[r] is the prompt index of batch row r: rows that finish leave the batch (with their cache and per-row weights),
        // so the steps that remain cost what the unfinished rows need, not what the longest-running row holds up.
        var active = Enumerable.Range(0, prompts.Count).ToList();
        var input = ids;
        var stepMask = mask;
        var threads = torch.get_num_threads();
        try
        {
            for (var step = 0; step < maxNewTokens; step++)
            {
                long[] next;
                using (torch.NewDisposeScope()) next = Step(model, input, stepMask, cache, banned).cpu().data<long>().ToArray();
                // A one-token step on the CPU is a few hundred tiny ops: waking a second OpenMP thread for each costs more than it
                // saves (measured: 5 ms a step alone against 9 ms on two cores at 8 rows), so the prompt runs on every core, the steps on one.
                if (step == 0 && threads > 1 && device.type == DeviceType.CPU) torch.set_num_threads(1);
                var keep = new List<int>(active.Count);
                for (var r = 0; r < next.Length; r++)
                {
                    var b = active[r];
                    if (eosTokenId is { } eos && next[r] == eos) continue;
                    outputs[b].Add((int)next[r]);
                    if (stopAfter is null || !stopAfter(b, (int)next[r])) keep.Add(r);
                }
                if (keep.Count == 0 || step == maxNewTokens - 1) break;
                if (keep.Count < active.Count)
                {
                    using var rows = torch.tensor(keep.Select(r => (long)r).ToArray(), device: device);
                    cache.KeepRows(rows);
                    perRow ??= model.modules().OfType<IPerRowState>().ToList();
                    foreach (var module in perRow)
                        if (module.KeepRows(active.Count, rows) is { } restore) restores.Push(restore);
                    next = keep.Select(r => next[r]).ToArray();
                    active = keep.Select(r => active[r]).ToList();
                }
                var nextInput = torch.tensor(next, device: device).unsqueeze(1).DetachFromDisposeScope();
                var nextMask = torch.ones(active.Count, 1, dtype: ScalarType.Int64, device: device).DetachFromDisposeScope();
                input.Dispose(); stepMask.Dispose();
                (input, stepMask) = (nextInput, nextMask);
            }
        }
        finally
        {
            input.Dispose(); stepMask.Dispose();
            while (restores.Count > 0) restores.Pop().Dispose();
            if (torch.get_num_threads() != threads) torch.set_num_threads(threads);
        }
        return outputs.Select(o => o.ToArray()).ToList();
    }

    /// <summary>One greedy step on the model's device: the last position's logits (fp32, plus <paramref name="bannedBias"/>) and their
    /// argmax, the next id of every row [B], not yet copied to the host; the cache grows by the step's tokens.</summary>
    public static Tensor Step(DecoderLM model, Tensor input, Tensor mask, KvCache cache, Tensor? bannedBias)
    {
        using var scope = torch.NewDisposeScope();
        var last = model.ForwardLast(input, mask, cache).to(ScalarType.Float32);
        if (bannedBias is not null) last = last + bannedBias;
        return last.argmax(-1).MoveToOuterDisposeScope();
    }

    /// <summary>A [V] fp32 row, −∞ at the banned ids and 0 elsewhere, on <paramref name="device"/> (null when nothing is banned): added
    /// to each step's logits, it leaves every other logit exactly as it was.</summary>
    public static Tensor? BannedBias(IReadOnlySet<int>? bannedTokenIds, int vocab, Device device)
    {
        var ids = bannedTokenIds?.Where(t => t >= 0 && t < vocab).Select(t => (long)t).ToArray() ?? [];
        if (ids.Length == 0) return null;
        var bias = new float[vocab];
        foreach (var id in ids) bias[id] = float.NegativeInfinity;
        return torch.tensor(bias, device: device);
    }

    /// <summary>Left-pads token lists into ids [B,L] and a 1/0 mask [B,L].</summary>
    public static (Tensor Ids, Tensor Mask) LeftPad(IReadOnlyList<int[]> sequences, int padTokenId, Device device)
    {
        var length = sequences.Max(s => s.Length);
        var ids = new long[sequences.Count * length];
        var mask = new long[sequences.Count * length];
        for (var b = 0; b < sequences.Count; b++)
        {
            var offset = b * length + length - sequences[b].Length;
            Array.Fill(ids, padTokenId, b * length, length - sequences[b].Length);
            for (var i = 0; i < sequences[b].Length; i++) { ids[offset + i] = sequences[b][i]; mask[offset + i] = 1; }
        }
        long[] shape = [sequences.Count, length];
        return (torch.tensor(ids, shape, device: device), torch.tensor(mask, shape, device: device));
    }
}
