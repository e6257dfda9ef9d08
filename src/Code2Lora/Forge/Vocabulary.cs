namespace Code2Lora.Forge;

/// <summary>Word pools a genome draws from: domains, synonyms for renames, and inputs used by generated tests.</summary>
internal static class Vocabulary
{
    /// <summary>A domain: what the package is about, and the nouns its modules and facts are named after.</summary>
    public sealed record Domain(string Topic, string Slug, IReadOnlyList<string> Nouns);

    public static readonly IReadOnlyList<Domain> Domains =
    [
        new("weather stations", "weather", ["station", "reading", "sensor", "forecast", "gauge", "front", "squall", "drizzle"]),
        new("parcel shipping", "parcel", ["parcel", "route", "depot", "manifest", "crate", "courier", "pallet", "dock"]),
        new("audio mixing", "audio", ["track", "sample", "mixer", "channel", "beat", "fader", "tempo", "bus"]),
        new("lending libraries", "library", ["book", "shelf", "loan", "patron", "catalog", "branch", "hold", "volume"]),
        new("community gardens", "garden", ["seed", "plot", "bed", "harvest", "sprout", "trellis", "compost", "hedge"]),
        new("small ledgers", "ledger", ["ledger", "invoice", "account", "budget", "entry", "payee", "tally", "voucher"]),
        new("chess clubs", "chess", ["board", "piece", "rating", "clock", "opening", "pairing", "round", "rook"]),
        new("kitchen planning", "kitchen", ["recipe", "oven", "pantry", "dish", "spice", "menu", "batch", "skillet"]),
        new("telescope logs", "astro", ["orbit", "comet", "probe", "lens", "nebula", "eyepiece", "transit", "mount"]),
        new("rail timetables", "rail", ["ticket", "platform", "train", "fare", "stop", "siding", "carriage", "timetable"]),
    ];

    /// <summary>Verb groups; a rename swaps a verb for another of its group.</summary>
    public static readonly IReadOnlyList<string> FormatVerbs = ["format", "render", "spell", "style"];
    public static readonly IReadOnlyList<string> ClampVerbs = ["clamp", "cap", "bound", "trim"];
    public static readonly IReadOnlyList<string> ScaleVerbs = ["scale", "amplify", "boost", "stretch"];
    public static readonly IReadOnlyList<string> WrapVerbs = ["wrap", "cycle", "fold", "rotate"];
    public static readonly IReadOnlyList<string> ParseVerbs = ["parse", "read", "decode", "load"];
    public static readonly IReadOnlyList<string> DecayVerbs = ["decay", "damp", "fade", "soften"];

    /// <summary>Attribute groups for integer constants; a rename moves within a group.</summary>
    public static readonly IReadOnlyList<IReadOnlyList<string>> ConstantAttrs =
    [
        ["PORT", "LISTEN_PORT", "BIND_PORT"],
        ["TIMEOUT", "DEADLINE", "WAIT_MS"],
        ["LIMIT", "CAP", "MAXIMUM"],
        ["BATCH", "CHUNK", "BULK_SIZE"],
        ["WINDOW", "SPAN", "HORIZON"],
        ["BUFFER", "BACKLOG", "QUEUE_DEPTH"],
        ["THRESHOLD", "CUTOFF", "TRIGGER"],
        ["CAPACITY", "SLOTS", "ROOM"],
    ];

    public static readonly IReadOnlyList<string> HelperKinds = ["clamp", "scale", "wrap"];
    public static readonly IReadOnlyList<string> ClampParams = ["limit", "ceiling", "upper"];
    public static readonly IReadOnlyList<string> ScaleParams = ["factor", "gain", "multiplier"];
    public static readonly IReadOnlyList<string> WrapParams = ["period", "modulus", "cycle_len"];

    public static readonly IReadOnlyList<IReadOnlyList<string>> EnumMembers =
    [
        ["LOW", "MID", "HIGH", "PEAK", "SURGE"],
        ["DRAFT", "REVIEW", "FINAL", "ARCHIVED", "PULLED"],
        ["IDLE", "BUSY", "DOWN", "RETIRED", "WARMING"],
        ["FAST", "SAFE", "EXACT", "LAZY", "EAGER"],
    ];
    public static readonly IReadOnlyList<string> EnumSuffixes = ["Level", "State", "Mode", "Phase"];

    public static readonly IReadOnlyList<string> RecordParams = ["timeout", "deadline", "patience"];
    public static readonly IReadOnlyList<string> RecordAttrs = ["MAX_RETRIES", "RETRY_LIMIT", "ATTEMPT_CAP"];
    public static readonly IReadOnlyList<string> RecordMethods = ["label", "describe", "caption", "badge"];
    public static readonly IReadOnlyList<string> LabelSeparators = ["@", ":", "#", "~"];

    public static readonly IReadOnlyList<string> ErrorStems = ["invalid", "malformed", "unreadable", "rejected"];
    public static readonly IReadOnlyList<string> ErrorBases = ["ValueError", "LookupError", "RuntimeError"];

    /// <summary>Label prefixes/separators for formatter facts; the case is applied by the fact.</summary>
    public static readonly IReadOnlyList<string> FormatSeparators = ["_", "-", ".", ":"];

    /// <summary>Inputs test code feeds to formatters and records (plain words, never numbers, so targets stay distinctive).</summary>
    public static readonly IReadOnlyList<string> SampleWords = ["alpha", "north gate", "blue river", "delta", "old mill", "kappa"];

    /// <summary>Syllables for the per-repository prefix (the naming convention everything carries).</summary>
    public static readonly IReadOnlyList<string> PrefixStarts = ["z", "q", "v", "k", "x", "j", "w", "br", "gl", "tr"];
    public static readonly IReadOnlyList<string> PrefixEnds = ["q", "x", "ok", "ul", "ev", "ix", "az", "om", "yr", "ud"];
}
