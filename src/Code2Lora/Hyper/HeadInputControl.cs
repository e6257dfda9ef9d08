namespace Code2Lora.Hyper;

/// <summary>What a hypernetwork head is trained on in place of each task's own repository vector: the controls that tell whether it
/// uses the repository's content, only its identity, or nothing at all.</summary>
public enum HeadInputControl
{
    /// <summary>The task's own repository vector (the method itself).</summary>
    RepositoryVector,

    /// <summary>A random vector per repository (<see cref="RepoContexts.RandomPerRepository"/>), at training and evaluation: the
    /// repository-ID control. Matching the real vector in-repo means the head uses identity, not content; on unseen repositories the
    /// vector carries nothing.</summary>
    RandomPerRepository,

    /// <summary>Each training example gets a training repository's vector drawn at random (a pure function of the seed and the example's
    /// position, so resuming is exact): the vector carries no information about the task, so the head can only learn one adapter for
    /// everything through the same parameterisation. Evaluated with the real vectors.</summary>
    ShuffledPerExample,
}
