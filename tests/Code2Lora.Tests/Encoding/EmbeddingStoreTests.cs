using Code2Lora.Encoders;
using Code2Lora.Tests.Forge;
using TorchSharp;

namespace Code2Lora.Tests.Encoders;

[Collection("Torch")]   // torch's global RNG and thread pool are shared: tests that seed it must not interleave
public class EmbeddingStoreTests
{
    [Fact]
    public async Task Vectors_round_trip_as_fp16_and_only_missing_keys_are_reported()
    {
        using var dir = new TempDir();
        var store = await EmbeddingStore.OpenAsync(dir.Path, "enc-test");
        var a = EmbeddingKey.ForState("r1", "aaa");
        var b = EmbeddingKey.ForDiff("r1", "aaa");
        store.Add(a, [0.1f, -2.5f, 1000f]);
        store.Add(b, [0f, 0f, 0f]);
        await store.FlushAsync();

        var again = await EmbeddingStore.OpenAsync(dir.Path, "enc-test");
        Assert.Equal(2, again.Count);
        Assert.Equal([(float)(Half)0.1f, -2.5f, 1000f], again.Get(a)!);
        Assert.Equal(store.Get(a), again.Get(a));           // what was held equals what is read back
        Assert.Equal([EmbeddingKey.ForState("r2", "bbb")], again.Missing([a, b, EmbeddingKey.ForState("r2", "bbb"), a]));
        Assert.Throws<ArgumentException>(() => again.Add(a, [1e6f]));
        Assert.Equal(0, (await EmbeddingStore.OpenAsync(dir.Path, "enc-other")).Count);
    }

    [Fact]
    public void Encoder_id_follows_weights_and_recipe_but_not_batching()
    {
        using var model = TinyEncoder.Model();
        var id = EncoderId.Compute(new ChunkEmbedder(model, TinyEncoder.Tokenizer), EncoderConfig.Tiny);
        Assert.Equal(id, EncoderId.Compute(new ChunkEmbedder(model, TinyEncoder.Tokenizer, batchSize: 3, padding: PaddingSide.Right), EncoderConfig.Tiny));
        Assert.NotEqual(id, EncoderId.Compute(new ChunkEmbedder(model, TinyEncoder.Tokenizer), EncoderConfig.Tiny with { Diff = DiffRecipe.Released }));
        Assert.NotEqual(id, EncoderId.Compute(new ChunkEmbedder(model, TinyEncoder.Tokenizer),
            EncoderConfig.Tiny with { State = RepoStateRecipe.Tiny with { Files = RepoStateRecipe.Tiny.Files with { ExcludeTests = true } } }));
        using (torch.no_grad()) model.parameters().Last().add_(1e-3f);
        Assert.NotEqual(id, EncoderId.Compute(new ChunkEmbedder(model, TinyEncoder.Tokenizer), EncoderConfig.Tiny));
        Assert.StartsWith("enc-", id);
    }
}
