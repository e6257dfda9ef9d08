using Code2Lora.Bench;
using Code2Lora.Evaluation;
using Code2Lora.Evaluation.Methods;
using Code2Lora.Tests.Hyper;

namespace Code2Lora.Tests.Training;

/// <summary>Code2LoRA-Static learns what only the repository vector can tell: two repositories ask the same prefix with
/// different answers. A shared LoRA cannot fit both; the head can, and another repository's vector gives the other answer.</summary>
[Collection("Torch")]   // torch's global RNG and thread pool are shared: tests that seed it must not interleave
public sealed class StaticRecipeTests(RepositorySpecificHead trained) : IClassFixture<RepositorySpecificHead>
{
    [Fact]
    public void The_head_learns_repository_specific_answers_that_a_shared_adapter_cannot()
    {
        Assert.True(trained.Result.LastEval["val_loss"] < 0.05, $"val loss {trained.Result.LastEval["val_loss"]:F3}");
        Assert.All(trained.Model.parameters(), p => Assert.False(p.requires_grad));      // the base stayed frozen

        var split = new Dictionary<string, IReadOnlyList<QnaRow>> { [SplitNames.IrTest] = trained.Tasks };
        double Em(ICompletionMethod m) => MethodEvaluator.Run(m, trained.Model, RepositorySpecificHead.Tokenizer, split, RepositorySpecificHead.Settings)[SplitNames.IrTest]
            .Average(r => r.ExactMatch ? 100.0 : 0.0);
        using var own = new GeneratedAdapterMethod("own", trained.Slots, trained.Head, GeneratedAdapterMethod.Own(trained.Contexts));
        using var swapped = new GeneratedAdapterMethod("shuffled", trained.Slots, trained.Head, GeneratedAdapterMethod.Shuffled(trained.Contexts, trained.Tasks, seed: 1));
        Assert.Equal(100.0, Em(own));
        Assert.Equal(0.0, Em(swapped));          // the other repository's vector gives the other repository's answer
        Assert.True(Em(new BaseModelMethod("pretrained", trained.Slots)) < 100.0);
    }
}
