using System.Collections;
using Code2Lora.Models.Checkpoints;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Code2Lora.Hyper.Released;

/// <summary>
/// The object a <c>torch.save</c> file holds (zip + pickle), as plain .NET values: dictionaries with string keys, lists
/// (Python lists and tuples), tensors (on the CPU, in the file's dtype), strings, numbers, booleans and nulls. The pickle
/// is read by TorchSharp.PyBridge, which handles nested dicts whose values are not tensors (configs, argparse args).
/// </summary>
public static class TorchSaveFile
{
    /// <summary>Reads the top-level dict of <paramref name="path"/>; a missing, legacy-format or non-dict file is a clear error.</summary>
    public static IReadOnlyDictionary<string, object?> Read(string path)
    {
        if (!File.Exists(path)) throw new CheckpointException(path, "no such file.");
        Hashtable root;
        try
        {
            using var stream = File.OpenRead(path);
            root = PyTorchUnpickler.UnpickleStateDict(stream, leaveOpen: false);
        }
        catch (NotImplementedException e)
        {
            // PyBridge's wording for the pre-1.6 (non-zip) format and for pickled nn.Module objects.
            throw new CheckpointException(path, $"cannot read this torch.save file: {e.Message}", e);
        }
        catch (Exception e) when (e is InvalidDataException or InvalidCastException or EndOfStreamException or InvalidOperationException
                                       or Razorvine.Pickle.PickleException)
        {
            throw new CheckpointException(path, $"not a readable torch.save file holding a dict ({e.GetType().Name}: {e.Message}); " +
                                                "re-save it with torch.save(obj, path) where obj is a dict.", e);
        }
        return (IReadOnlyDictionary<string, object?>)Plain(root)!;
    }

    /// <summary>Hashtables become dictionaries, ArrayLists and tuples (object[]) become lists; leaves stay as they are.</summary>
    private static object? Plain(object? value) => value switch
    {
        Tensor t => t,
        string s => s,
        IDictionary d => d.Cast<DictionaryEntry>().ToDictionary(e => Convert.ToString(e.Key, System.Globalization.CultureInfo.InvariantCulture)!,
            e => Plain(e.Value), StringComparer.Ordinal),
        IEnumerable list => list.Cast<object?>().Select(Plain).ToList(),
        _ => value,
    };
}
