using Code2Lora.Forge.Facts;

namespace Code2Lora.Forge;

/// <summary>Records each live fact's state after every commit and folds equal consecutive states into ranges.</summary>
internal sealed class FactTimeline
{
    private readonly Dictionary<string, (string Kind, List<FactValue> Values)> _facts = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private readonly Dictionary<string, (string Key, IReadOnlyList<string> Surfaces)> _surfaces = new(StringComparer.Ordinal);

    public void Record(int commitIndex, IEnumerable<Fact> live)
    {
        foreach (var fact in live)
        {
            // Value and identifiers determine everything a fact renders, so surfaces are recomputed only when they move.
            var key = fact.Value + "\n" + string.Join(",", fact.Identifiers);
            if (!_surfaces.TryGetValue(fact.Id, out var cached) || cached.Key != key) _surfaces[fact.Id] = cached = (key, FactSurfaces.Of(fact));
            var now = new FactValue(commitIndex, commitIndex, fact.PrimaryName, fact.Module, fact.Value, cached.Surfaces);
            if (!_facts.TryGetValue(fact.Id, out var entry))
            {
                _facts[fact.Id] = entry = (fact.Kind, []);
                _order.Add(fact.Id);
            }
            var values = entry.Values;
            if (values.Count > 0 && SameState(values[^1], now) && values[^1].ToCommit == commitIndex - 1)
                values[^1] = values[^1] with { ToCommit = commitIndex };
            else
                values.Add(now);
        }
    }

    private static bool SameState(FactValue a, FactValue b) =>
        a.Name == b.Name && a.Module == b.Module && a.Value == b.Value && a.Surfaces.SequenceEqual(b.Surfaces);

    public List<FactState> Build() => _order.Select(id => new FactState(id, _facts[id].Kind, _facts[id].Values.ToList())).ToList();
}
