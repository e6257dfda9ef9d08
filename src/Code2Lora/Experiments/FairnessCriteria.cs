using System.Globalization;
using Code2Lora.Bench;
using Code2Lora.Evaluation;
using Code2Lora.Evaluation.Context;
using Code2Lora.Forge;

namespace Code2Lora.Experiments;

/// <summary>
/// Turns the scores of each forge fairness check into a <see cref="FairnessCheck"/>: docs/forge.md's criterion, how it is read from
/// the numbers (every method scores ~0 % EM with the shipped base, so target NLL and EditSim carry the checks EM cannot), the verdict
/// and a plain sentence saying whether it holds.
/// </summary>
public static class FairnessCriteria
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The criterion of check 1 as docs/forge.md states it, and how it is read.</summary>
    public const string BaseCriterion = "The pretrained model scores low on repo_specific tasks, far below its score on generic tasks (docs/forge.md). " +
        "Read as: on each test split, EM on repo_specific below EM on generic with disjoint exact 95 % CIs; where both are 0 %, target NLL on repo_specific above generic's with disjoint bootstrap CIs.";

    /// <summary>The criterion of check 2.</summary>
    public const string OracleCriterion = "An oracle context scores high: with the file that defines the fact, at that commit, prepended to the prefix, exact match should be high (docs/forge.md). " +
        "Read as: the base with the oracle context exactly matches at least half of the tasks whose target is visible verbatim in that context, and beats the base without it (exact McNemar p < 0.05) on each test split.";

    /// <summary>The criterion of check 3.</summary>
    public const string PerRepoCriterion = "One shared LoRA cannot beat per-repository LoRA on repo_specific tasks: a single adapter trained on all repositories must not match adapters trained per repository (docs/forge.md). " +
        "Read as: on repository-specific IR-test tasks, per-repo-lora − single-lora target NLL has its paired 95 % CI (tasks) entirely below 0.";

    /// <summary>The criterion of check 4.</summary>
    public const string StaleCriterion = "Staleness shows in scores: a model conditioned on an old snapshot (commit k−1) should lose accuracy on tasks at or after a change at k, compared with one conditioned on the current state (docs/forge.md). " +
        "Read as: on test tasks whose fact changed between the previous kept commit and k, Code2LoRA-Evo conditioned on the previous kept commit has a higher target NLL than on k, the paired 95 % CI (tasks) of stale − current entirely above 0 on each test split with such tasks.";

    /// <summary>Check 1 from the base model's predictions of every scored task.</summary>
    public static FairnessCheck BaseByKind(IReadOnlyDictionary<string, IReadOnlyList<QnaRow>> scored, IReadOnlyDictionary<string, IReadOnlyList<PredictionRow>> pretrained, int seed)
    {
        var generic = ForgeFairness.SubsetOf(pretrained, scored, ForgeFairness.OfKind(scored, TaskKindLabeler.Generic));
        var specific = ForgeFairness.SubsetOf(pretrained, scored, ForgeFairness.OfKind(scored, TaskKindLabeler.RepoSpecific));
        var verdicts = new List<string>();
        var readings = new List<string>();
        foreach (var split in EvoEvaluation.Splits)
        {
            if (!generic.TryGetValue(split, out var g) || !specific.TryGetValue(split, out var r)) { readings.Add($"{split}: one kind has no tasks"); continue; }
            var sg = SplitScore.Of(split, g, seed);
            var sr = SplitScore.Of(split, r, seed);
            string v;
            if (sr.ExactMatch.High < sg.ExactMatch.Low) v = FairnessVerdict.Holds;
            else if (sr.ExactMatch.Mean > 0 || sg.ExactMatch.Mean > 0) v = FairnessVerdict.Fails;
            else if (sr.TargetNll is null || sg.TargetNll is null) v = FairnessVerdict.NotTestable;
            else v = sr.TargetNll.Low > sg.TargetNll.High ? FairnessVerdict.Holds : sr.TargetNll.High < sg.TargetNll.Low ? FairnessVerdict.Fails : FairnessVerdict.NotTestable;
            verdicts.Add(v);
            readings.Add(string.Create(Inv, $"{split}: EM {sr.ExactMatch.Mean:F1} % repo_specific vs {sg.ExactMatch.Mean:F1} % generic, NLL {Nll(sr)} vs {Nll(sg)}, EditSim {sr.EditSimilarity.Mean:F3} vs {sg.EditSimilarity.Mean:F3} ({v})"));
        }
        var verdict = Combine(verdicts);
        var zero = specific.Values.Concat(generic.Values).SelectMany(v => v).All(r => !r.ExactMatch);
        var reading = (zero ? "The base gets no task of either kind exactly right, so EM cannot show the gap; it is read on NLL. " : "")
            + string.Join("; ", readings) + ".";
        var methods = new Dictionary<string, MethodSummary>
        {
            ["pretrained · generic"] = MethodSummary.Of(generic, seed),
            ["pretrained · repo_specific"] = MethodSummary.Of(specific, seed),
        };
        return new FairnessCheck(1, "the base model scores low on repo_specific tasks", BaseCriterion, verdict, reading,
            Counts(("generic", generic), ("repo_specific", specific)), methods, [], []);
    }

    /// <summary>Check 2 from the rows of pretrained, oracle-pretrained and (when trained) single-lora / oracle-single-lora on the
    /// repository-specific tasks, and the oracle's lookups of those tasks.</summary>
    public static FairnessCheck Oracle(IReadOnlyDictionary<string, IReadOnlyList<QnaRow>> specific, IReadOnlyDictionary<string, IReadOnlyList<OracleLookup>> lookups,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlyList<PredictionRow>>> rows, int seed)
    {
        var counts = new Dictionary<string, int>();
        int visible = 0, visibleHits = 0, tasks = 0, hits = 0;
        foreach (var split in EvoEvaluation.Splits)
        {
            var l = lookups.GetValueOrDefault(split, []);
            var oracleRows = rows["oracle-pretrained"].GetValueOrDefault(split, []).ToDictionary(r => r.TaskIndex);
            var v = Enumerable.Range(0, l.Count).Where(i => l[i].TargetVisible).ToList();
            counts[$"{split} tasks"] = l.Count;
            counts[$"{split} with oracle context"] = l.Count(x => x.Context is not null);
            counts[$"{split} whole file in context"] = l.Count(x => x.WholeFile);
            counts[$"{split} target visible in context"] = v.Count;
            counts[$"{split} the fact's named surfaces visible in context"] = l.Count(x => x.SurfacesVisible);
            counts[$"{split} oracle-pretrained exact on visible"] = v.Count(i => oracleRows.TryGetValue(i, out var r) && r.ExactMatch);
            visible += v.Count;
            visibleHits += counts[$"{split} oracle-pretrained exact on visible"];
            tasks += l.Count;
            hits += oracleRows.Values.Count(r => r.ExactMatch);
        }
        var comparisons = Comparison.All(rows, [("oracle-pretrained", "pretrained"), ("oracle-single-lora", "single-lora")], EvoEvaluation.Splits, seed);
        var gains = comparisons.Where(c => c.A == "oracle-pretrained").ToList();
        var significant = gains.Count > 0 && gains.All(c => c.Em.Difference > 0 && c.Em.McNemar!.P < 0.05);
        var verdict = tasks == 0 || visible == 0 ? FairnessVerdict.NotTestable
            : 2 * visibleHits >= visible && significant ? FairnessVerdict.Holds : FairnessVerdict.Fails;
        var nll = string.Join(", ", comparisons.Where(c => c.Nll is not null).Select(c => string.Create(Inv, $"{c.A} − {c.B} {c.Split} NLL {SummaryTables.Signed(c.Nll!.Difference, "F3")} {c.Nll.Interval("F3")}")));
        var reading = tasks == 0 ? "No repository-specific test task was scored."
            : hits == 0 ? string.Create(Inv, $"With the fact's defining file in its prompt the base model gets 0 of {tasks} repository-specific tasks exactly right, although the answer is visible verbatim in the context for {visible} of them: the base model cannot use the context (it does not copy), so with this base the forge cannot show that its tasks are solvable. See the in-context copy check in results/copy-check/ (issue 15 §4: a base that can copy). ")
            : string.Create(Inv, $"With the oracle context the base gets {hits} of {tasks} repository-specific tasks exactly right, {visibleHits} of the {visible} whose answer is visible in the context. ");
        reading += nll.Length > 0 ? $"Paired target NLL: {nll}." : "";
        var notes = new List<string>
        {
            "oracle: the file that defines the first fact the target names (through its state at the task's commit), read from the forged git repository at that commit, in the room any context method gets beside the cut prefix; a file that does not fit keeps the whole lines around the definition.",
            "target visible: the target string occurs verbatim in the oracle context, so a model that copies must get it right; named surfaces visible: every name or literal of the fact's current state that the target contains occurs in the context (the repository-specific part of the answer is there, not always the whole target string).",
        };
        if (!rows.ContainsKey("single-lora")) notes.Add("single-lora is not trained (c2l train evo-slora), so it has no oracle row.");
        return new FairnessCheck(2, "an oracle context scores high", OracleCriterion, verdict, reading, counts,
            rows.ToDictionary(kv => kv.Key, kv => MethodSummary.Of(kv.Value, seed)), comparisons, notes);
    }

    /// <summary>Check 3 from single-lora's and per-repo-lora's rows on the repository-specific IR-test tasks.</summary>
    public static FairnessCheck PerRepo(IReadOnlyDictionary<string, IReadOnlyList<QnaRow>> irSpecific, IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlyList<PredictionRow>>> rows,
        IReadOnlyList<string> notes, int seed)
    {
        var tasks = irSpecific.GetValueOrDefault(SplitNames.IrTest, []);
        var counts = new Dictionary<string, int>
        {
            ["ir_test repo_specific tasks"] = tasks.Count,
            ["ir_test repositories"] = tasks.Select(t => t.RepoId).Distinct(StringComparer.Ordinal).Count(),
        };
        var comparisons = Comparison.All(rows, [("per-repo-lora", "single-lora")], [SplitNames.IrTest], seed);
        string verdict, reading;
        if (comparisons.Count == 0 || comparisons[0].Nll is null)
        {
            verdict = FairnessVerdict.NotTestable;
            reading = tasks.Count == 0 ? "No repository-specific IR-test task was scored." : "The per-repository or the single LoRA is missing (see the notes).";
        }
        else
        {
            var d = comparisons[0].Nll!;
            verdict = d.Ci[1] < 0 ? FairnessVerdict.Holds : FairnessVerdict.Fails;
            var es = comparisons[0].EditSim;
            reading = string.Create(Inv, $"per-repo-lora − single-lora on {tasks.Count} repository-specific IR-test tasks: target NLL {SummaryTables.Signed(d.Difference, "F3")} {d.Interval("F3")} (repositories {d.RepoInterval("F3")}), EditSim {SummaryTables.Signed(es.Difference, "F3")} {es.Interval("F3")}. ")
                + (verdict == FairnessVerdict.Holds
                    ? "Adapters trained per repository beat the shared one on repository-specific facts, as a fair forge needs."
                    : "The shared single LoRA is not beaten by the per-repository ones: either the genomes overlap too much, or the per-repository adapters (trained on far fewer tasks, see the notes) are too weak to be the ceiling this check assumes.");
        }
        return new FairnessCheck(3, "one shared LoRA cannot beat per-repository LoRA on repo_specific tasks", PerRepoCriterion, verdict, reading, counts,
            rows.ToDictionary(kv => kv.Key, kv => MethodSummary.Of(kv.Value, seed)), comparisons, notes);
    }

    /// <summary>Check 4 from the current and stale rows of Evo and the static head on the stale-paired tasks.</summary>
    public static FairnessCheck Staleness(IReadOnlyDictionary<string, IReadOnlyList<QnaRow>> staleSplits, IReadOnlyList<StaleTask> stale,
        IReadOnlyDictionary<string, IReadOnlyList<QnaRow>> testTasks, IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlyList<PredictionRow>>> rows,
        IReadOnlyList<string> notes, int seed)
    {
        var counts = new Dictionary<string, int>();
        foreach (var split in EvoEvaluation.Splits)
        {
            counts[$"{split} test tasks"] = testTasks.GetValueOrDefault(split, []).Count;
            counts[$"{split} repo_specific test tasks"] = testTasks.GetValueOrDefault(split, []).Count(t => t.TaskKind == TaskKindLabeler.RepoSpecific);
            counts[$"{split} fact changed since the previous kept commit"] = staleSplits.GetValueOrDefault(split, []).Count;
            counts[$"{split} of them naming a new surface"] = stale.Count(s => s.Task.Split == split && s.NewSurface);
        }
        var comparisons = Comparison.All(rows, [("code2lora-evo-stale", "code2lora-evo"), ("code2lora-static-stale", "code2lora-static")], EvoEvaluation.Splits, seed);
        string verdict, reading;
        var all = notes.ToList();
        all.Add("k−1 is the previous kept commit of the task's history (the evolution track keeps commits that add or change assertions): the state each method had before the commit that changed the fact, or before the commits in between.");
        if (stale.Count == 0)
        {
            verdict = FairnessVerdict.NotTestable;
            reading = string.Create(Inv, $"No test task's fact changed between its previous kept commit and its own commit (0 of {testTasks.Values.Sum(v => v.Count)} test tasks), so staleness cannot be measured on this forge's test split.");
        }
        else
        {
            var evo = comparisons.Where(c => c.A == "code2lora-evo-stale" && c.Nll is not null).ToList();
            verdict = evo.Count == 0 ? FairnessVerdict.NotTestable : evo.All(c => c.Nll!.Ci[0] > 0) ? FairnessVerdict.Holds : FairnessVerdict.Fails;
            var parts = comparisons.Where(c => c.Nll is not null).Select(c => string.Create(Inv, $"{c.A} − {c.B} {c.Split} ({c.Tasks} tasks): NLL {SummaryTables.Signed(c.Nll!.Difference, "F3")} {c.Nll.Interval("F3")}, EM {SummaryTables.Signed(c.Em.Difference, "F1")} points"));
            reading = string.Create(Inv, $"{stale.Count} test tasks name a fact that changed since the previous kept commit ({stale.Count(s => s.NewSurface)} name a surface new at k). ")
                + string.Join("; ", parts) + ". "
                + (verdict == FairnessVerdict.Holds ? "The stale state costs Evo accuracy: it follows the change."
                    : verdict == FairnessVerdict.Fails ? "Conditioning Evo on the stale state does not cost it measurably: on these tasks it does not use the change."
                    : "Evo is not trained, so its staleness cannot be read.");
        }
        return new FairnessCheck(4, "staleness shows in scores", StaleCriterion, verdict, reading, counts,
            rows.ToDictionary(kv => kv.Key, kv => MethodSummary.Of(kv.Value, seed)), comparisons, all);
    }

    /// <summary>Holds when every part holds, fails when any fails, else not testable (nothing measured counts as not testable).</summary>
    public static string Combine(IReadOnlyList<string> verdicts) =>
        verdicts.Count == 0 ? FairnessVerdict.NotTestable
        : verdicts.Contains(FairnessVerdict.Fails) ? FairnessVerdict.Fails
        : verdicts.All(v => v == FairnessVerdict.Holds) ? FairnessVerdict.Holds : FairnessVerdict.NotTestable;

    private static string Nll(SplitScore s) => s.TargetNll is { } n ? string.Create(Inv, $"{n.Mean:F3} [{n.Low:F3}, {n.High:F3}]") : "—";

    private static Dictionary<string, int> Counts(params (string Kind, IReadOnlyDictionary<string, IReadOnlyList<PredictionRow>> Rows)[] parts)
    {
        var counts = new Dictionary<string, int>();
        foreach (var split in EvoEvaluation.Splits)
            foreach (var (kind, rows) in parts) counts[$"{split} {kind}"] = rows.GetValueOrDefault(split, []).Count;
        return counts;
    }
}
