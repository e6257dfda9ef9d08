using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace Code2Lora.Models;

/// <summary>Activation (gradient) checkpointing of one decoder block, as a custom autograd function (TorchSharp has no
/// torch.utils.checkpoint): the forward runs without building a graph and keeps only the block's input; the backward reruns the
/// block with gradients on and differentiates that. A block then holds one [B,T,H] tensor between forward and backward instead of
/// all its activations (q, k, v, the attention probabilities, the MLP's [B,T,ffn] intermediates).
/// Every tensor the block reads that needs a gradient is an explicit input of the function, so gradients still reach the
/// previous block, the block's own trainable parameters (full fine-tuning) and the generated or trainable LoRA weights its
/// projections read (<see cref="IExternalInputs"/>). The recomputation is the same code on the same values, so losses and
/// gradients equal the unchecked run's. A checkpointed graph supports one backward pass (retain_graph is not supported).</summary>
internal sealed class CheckpointedBlock : SingleTensorFunction<CheckpointedBlock>
{
    // Gradients handed to LibTorch by the previous backward call on this thread: LibTorch holds its own references once that call
    // has returned, so they are freed at the next call instead of waiting for the garbage collector (they are [B,T,H] each).
    [ThreadStatic] private static List<Tensor>? handedOver;

    /// <inheritdoc/>
    public override string Name => nameof(CheckpointedBlock);

    /// <summary>Runs <paramref name="block"/> on <paramref name="x"/>, checkpointed when anything it reads needs a gradient.</summary>
    public static Tensor Run(DecoderBlock block, int layer, Tensor x, SharedBlockInputs shared)
    {
        var captures = block.Projections().OfType<IExternalInputs>().Select(m => m.Capture()).ToList();
        var externals = captures.SelectMany(c => c.Tensors).ToList();
        var parameters = block.parameters().Where(p => p.requires_grad).Select(p => (Tensor)p).ToList();
        if (!x.requires_grad && externals.Count == 0 && parameters.Count == 0)
            return block.Forward(x, shared.Cos, shared.Sin, shared.Allowed, null, layer);
        shared.AddPendingBackward();
        var call = new Call(block, layer, shared, captures, parameters, x.requires_grad);
        return apply([call, x, .. externals, .. parameters]);
    }

    /// <inheritdoc/>
    public override Tensor forward(AutogradContext ctx, params object[] vars)
    {
        var call = (Call)vars[0];
        var x = (Tensor)vars[1];
        ctx.save_for_backward([x, .. vars.Skip(2).Take(call.ExternalCount).Cast<Tensor>()]);
        ctx.save_data("call", call);
        var s = call.Shared;
        return call.Block.Forward(x, s.Cos, s.Sin, s.Allowed, null, call.Layer);
    }

    /// <inheritdoc/>
    public override List<Tensor> backward(AutogradContext ctx, Tensor gradOutput)
    {
        var previous = handedOver;
        handedOver = null;
        if (previous is not null) foreach (var t in previous) t.Dispose();

        var call = (Call)ctx.get_data("call");
        var saved = ctx.get_saved_variables();
        var grads = new List<Tensor>();
        using (var scope = torch.NewDisposeScope())
        using (torch.enable_grad())
        {
            var x = saved[0].detach();
            if (call.InputNeedsGrad) x.requires_grad_(true);
            var standIns = saved.Skip(1).Select(t => t.detach().requires_grad_(true)).ToList();
            Tensor output;
            using (call.Substitute(standIns))
                output = call.Block.Forward(x, call.Shared.Cos, call.Shared.Sin, call.Shared.Allowed, null, call.Layer);
            List<Tensor> inputs = [.. call.InputNeedsGrad ? [x] : Array.Empty<Tensor>(), .. standIns, .. call.Parameters];
            var computed = torch.autograd.grad([output], inputs, [gradOutput]);
            foreach (var g in computed) g.DetachFromDisposeScope();
            grads.AddRange(computed);
        }
        foreach (var t in saved) t.Dispose();
        call.Shared.BackwardDone();
        handedOver = grads;

        // One gradient per argument of apply: none for the call object, the input's (when it needs one), then the rest in order.
        var result = new List<Tensor>(grads.Count + 2) { null! };
        var next = 0;
        result.Add(call.InputNeedsGrad ? grads[next++] : null!);
        while (next < grads.Count) result.Add(grads[next++]);
        return result;
    }

    /// <summary>What one checkpointed block call needs again in its backward pass.</summary>
    private sealed record Call(DecoderBlock Block, int Layer, SharedBlockInputs Shared, IReadOnlyList<ExternalInputs> Captures,
        IReadOnlyList<Tensor> Parameters, bool InputNeedsGrad)
    {
        public int ExternalCount => Captures.Sum(c => c.Tensors.Count);

        /// <summary>Installs every capture with its share of <paramref name="standIns"/>, undone on dispose.</summary>
        public IDisposable Substitute(IReadOnlyList<Tensor> standIns)
        {
            var undo = new List<IDisposable>(Captures.Count);
            var offset = 0;
            foreach (var capture in Captures)
            {
                undo.Add(capture.Substitute(standIns.Skip(offset).Take(capture.Tensors.Count).ToList()));
                offset += capture.Tensors.Count;
            }
            return new Undo(undo);
        }
    }

    private sealed class Undo(List<IDisposable> parts) : IDisposable
    {
        public void Dispose()
        {
            for (var i = parts.Count - 1; i >= 0; i--) parts[i].Dispose();
        }
    }
}

/// <summary>The per-forward tensors every block reads (RoPE tables and the attention mask). Checkpointed blocks read them again in
/// the backward pass, so they outlive the forward's dispose scope and are freed once every pending backward has run.</summary>
internal sealed class SharedBlockInputs : IDisposable
{
    private int pending, freed;
    private volatile bool released;

    /// <summary>Takes the tensors out of the current dispose scope; they are freed by <see cref="Dispose"/> or after the last backward.</summary>
    public SharedBlockInputs(Tensor cos, Tensor sin, Tensor allowed)
    {
        (Cos, Sin, Allowed) = (cos.DetachFromDisposeScope(), sin.DetachFromDisposeScope(), allowed.DetachFromDisposeScope());
    }

    public Tensor Cos { get; }
    public Tensor Sin { get; }
    public Tensor Allowed { get; }

    /// <summary>One more checkpointed block will read these in its backward pass.</summary>
    public void AddPendingBackward() => Interlocked.Increment(ref pending);

    /// <summary>A checkpointed block's backward pass is done with these.</summary>
    public void BackwardDone()
    {
        if (Interlocked.Decrement(ref pending) == 0 && released) Free();
    }

    /// <summary>The forward is done with these; they are freed now, or after the last pending backward.</summary>
    public void Dispose()
    {
        released = true;
        if (Volatile.Read(ref pending) == 0) Free();
    }

    private void Free()
    {
        if (Interlocked.Exchange(ref freed, 1) == 1) return;
        Cos.Dispose();
        Sin.Dispose();
        Allowed.Dispose();
    }
}
