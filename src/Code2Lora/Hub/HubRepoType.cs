namespace Code2Lora.Hub;

/// <summary>The kinds of Hugging Face Hub repository the client downloads from.</summary>
public enum HubRepoType
{
    /// <summary>A model repository (weights, config, tokenizer).</summary>
    Model,

    /// <summary>A dataset repository (Parquet, JSON lines, …).</summary>
    Dataset,
}
