namespace Code2Lora.Mining;

/// <summary>Why a file (or a whole repository) was not used; every skip is recorded with one of these.</summary>
public enum SkipReason
{
    /// <summary>A NUL byte in the first 8,000 bytes (git's own binary heuristic).</summary>
    Binary,
    /// <summary>The bytes are not valid UTF-8.</summary>
    InvalidUtf8,
    /// <summary>Larger than <see cref="MiningRules.MaxFileBytes"/>.</summary>
    TooLarge,
    /// <summary>A symbolic link (git mode 120000, or a file-system link); never followed.</summary>
    Symlink,
    /// <summary>A submodule (gitlink, mode 160000); its commit is not in this repository.</summary>
    Submodule,
    /// <summary>Under one of <see cref="MiningRules.SkipDirectories"/>.</summary>
    SkippedDirectory,
    /// <summary>Zero bytes (or only a UTF-8 byte-order mark).</summary>
    Empty,
    /// <summary>The path itself is not valid UTF-8, so it cannot be named faithfully.</summary>
    InvalidPathEncoding,
    /// <summary>The path does not exist at the requested commit.</summary>
    Missing,
    /// <summary>The file could not be read (permissions, I/O error, corrupt object).</summary>
    Unreadable,
    /// <summary>A FIFO, socket or device node in a plain directory.</summary>
    SpecialFile,
    /// <summary>Repository level: opening, cloning or walking the repository failed.</summary>
    RepoFailed,
    /// <summary>Repository level: no test files were found.</summary>
    NoTests,
    /// <summary>Repository level: the repository has no commits.</summary>
    EmptyRepository,
    /// <summary>A file that could not be parsed as Python (counted by the bench stage).</summary>
    SyntaxError,
    /// <summary>Repository level: fewer tasks than the benchmark's minimum (counted by the bench stage).</summary>
    TooFewTasks,
    /// <summary>Repository level: no commit of the history adds or changes an assertion (counted by the bench stage).</summary>
    NoKeptCommits,
    /// <summary>Also part of the benchmark, so kept out of the base model's pretraining data.</summary>
    InBenchmark,
}
