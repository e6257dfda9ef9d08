using System.Diagnostics;
using Code2Lora.Models.Checkpoints;
using static TorchSharp.torch;

namespace Code2Lora.Tests.Models.Checkpoints;

/// <summary>Byte-level interoperability with an independent reader/writer written in plain Python from the safetensors spec.</summary>
[Collection("Torch")]   // torch's global RNG and thread pool are shared: tests that seed it must not interleave
public class SafeTensorsPythonInteropTests
{
    // Python here has neither safetensors nor torch, so this is the spec by hand: struct for numbers, json for the header.
    private const string Script = """
        import json, math, struct, sys

        def bf16_bits(x):
            return struct.unpack('<I', struct.pack('<f', x))[0] >> 16

        def bf16_value(bits):
            return struct.unpack('<f', struct.pack('<I', bits << 16))[0]

        # name: (dtype, shape, struct format per element, values); order is deliberately not sorted.
        PY_TENSORS = [
            ("z.f32", "F32", [2, 3], "f", [0.0, 1.5, -2.0, 3.25, 0.001, -7.0]),
            ("b.f16", "F16", [4], "e", [0.5, -2.0, 65504.0, 1.0 / 1024]),
            ("c.bf16", "BF16", [3], "H", [bf16_bits(v) for v in (1.0, -3.5, 0.15625)]),
            ("d.i64", "I64", [3], "q", [-1, 2 ** 40, 7]),
            ("e.i32", "I32", [2], "i", [-5, 2 ** 31 - 1]),
            ("f.i16", "I16", [2], "h", [-300, 300]),
            ("g.i8", "I8", [2], "b", [-128, 127]),
            ("h.u8", "U8", [3], "B", [0, 200, 255]),
            ("i.bool", "BOOL", [3], "B", [1, 0, 1]),
            ("j.f64", "F64", [2], "d", [math.pi, -1e300]),
            ("k.scalar", "F32", [], "f", [42.5]),
            ("l.empty", "F32", [0, 4], "f", []),
        ]

        def write(path):
            header, data = {"__metadata__": {"format": "pt", "source": "python"}}, b""
            for name, dtype, shape, fmt, values in PY_TENSORS:
                blob = struct.pack("<%d%s" % (len(values), fmt), *values)
                header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(blob)]}
                data += blob
            text = json.dumps(header).encode("utf-8")
            text += b" " * (-len(text) % 8)
            with open(path, "wb") as f:
                f.write(struct.pack("<Q", len(text)) + text + data)

        # What the C# side writes (see CSharpWrittenTensors): name: (dtype, shape, format, expected values).
        CS_EXPECTED = {
            "A.upper": ("F32", [2], "f", [1.0, -1.0]),
            "bf16": ("BF16", [2, 2], "H", [bf16_bits(v) for v in (1.0, -3.5, 0.15625, 256.0)]),
            "f16": ("F16", [3], "e", [0.5, -2.0, 65504.0]),
            "i64": ("I64", [2], "q", [-(2 ** 62), 3]),
            "layer.10.w": ("F64", [2, 1], "d", [math.e, -0.0]),
            "layer.2.w": ("I8", [3], "b", [-1, 0, 1]),
            "mask": ("BOOL", [2], "B", [0, 1]),
            "scalar": ("I32", [], "i", [-7]),
            "empty": ("BF16", [3, 0], "H", []),
        }

        def check(path):
            raw = open(path, "rb").read()
            (n,) = struct.unpack("<Q", raw[:8])
            assert n % 8 == 0, "header length %d is not a multiple of 8" % n
            text = raw[8:8 + n].decode("utf-8")
            body = text.rstrip(" ")
            assert body.endswith("}") and text[len(body):] == " " * (n - len(body)), "padding is not trailing spaces"
            pairs = json.loads(body, object_pairs_hook=lambda p: p)
            keys = [k for k, _ in pairs if k != "__metadata__"]
            assert keys == sorted(keys), "tensor keys not sorted: %r" % keys
            header = dict(pairs)
            assert dict(header["__metadata__"]) == {"format": "pt", "origin": "c#"}, header["__metadata__"]
            assert sorted(keys) == sorted(CS_EXPECTED), keys
            data, cursor = raw[8 + n:], 0
            for k in keys:
                entry = dict(header[k])
                dtype, shape, fmt, values = CS_EXPECTED[k]
                assert entry["dtype"] == dtype and entry["shape"] == shape, (k, entry)
                begin, end = entry["data_offsets"]
                assert begin == cursor, "%s starts at %d, previous ended at %d" % (k, begin, cursor)
                got = list(struct.unpack("<%d%s" % (len(values), fmt), data[begin:end]))
                assert got == values, (k, got, values)
                cursor = end
            assert cursor == len(data), "data section has %d bytes, tensors cover %d" % (len(data), cursor)
            print("OK")

        {"write": write, "check": check}[sys.argv[1]](sys.argv[2])
        """;

    private static (int Code, string Output) RunPython(string scriptPath, string mode, string file)
    {
        var psi = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { scriptPath, mode, file }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result + stderr);
    }

    [Fact]
    public void FileWrittenByPythonFromTheSpecLoadsWithTheRightValues()
    {
        using var dir = new CheckpointTempDir();
        var script = dir.File("spec.py");
        File.WriteAllText(script, Script);
        var path = dir.File("python.safetensors");
        var (code, output) = RunPython(script, "write", path);
        Assert.True(code == 0, output);

        var t = SafeTensors.Load(path);
        var header = SafeTensors.ReadHeader(path);

        Assert.Equal("python", header.Metadata["source"]);
        Assert.Equal(0, header.DataOffset % 8);
        Assert.Equal(new[] { 0f, 1.5f, -2f, 3.25f, 0.001f, -7f }, t["z.f32"].data<float>().ToArray());
        Assert.Equal(new long[] { 2, 3 }, t["z.f32"].shape);
        Assert.Equal(float16, t["b.f16"].dtype);
        Assert.Equal(new[] { 0.5f, -2f, 65504f, 1f / 1024 }, t["b.f16"].to(float32).data<float>().ToArray());
        Assert.Equal(bfloat16, t["c.bf16"].dtype);
        Assert.Equal(new[] { 1f, -3.5f, 0.15625f }, t["c.bf16"].to(float32).data<float>().ToArray());
        Assert.Equal(new[] { -1L, 1L << 40, 7L }, t["d.i64"].data<long>().ToArray());
        Assert.Equal(new[] { -5, int.MaxValue }, t["e.i32"].data<int>().ToArray());
        Assert.Equal(new short[] { -300, 300 }, t["f.i16"].data<short>().ToArray());
        Assert.Equal(new sbyte[] { -128, 127 }, t["g.i8"].data<sbyte>().ToArray());
        Assert.Equal(new byte[] { 0, 200, 255 }, t["h.u8"].data<byte>().ToArray());
        Assert.Equal(new[] { true, false, true }, t["i.bool"].data<bool>().ToArray());
        Assert.Equal(new[] { Math.PI, -1e300 }, t["j.f64"].data<double>().ToArray());
        Assert.Equal(0, t["k.scalar"].dim());
        Assert.Equal(42.5f, t["k.scalar"].item<float>());
        Assert.Equal(new long[] { 0, 4 }, t["l.empty"].shape);
    }

    [Fact]
    public void FileWrittenByCSharpPassesTheSpecCheckInPython()
    {
        using var dir = new CheckpointTempDir();
        var script = dir.File("spec.py");
        File.WriteAllText(script, Script);
        var path = dir.File("csharp.safetensors");
        var tensors = new Dictionary<string, Tensor>
        {
            ["layer.2.w"] = tensor(new sbyte[] { -1, 0, 1 }, dtype: int8),
            ["layer.10.w"] = tensor(new[] { Math.E, -0.0 }, dtype: float64).reshape(2, 1),
            ["mask"] = tensor(new[] { false, true }),
            ["bf16"] = tensor(new[] { 1f, -3.5f, 0.15625f, 256f }).to(bfloat16).reshape(2, 2),
            ["f16"] = tensor(new[] { 0.5f, -2f, 65504f }).to(float16),
            ["i64"] = tensor(new[] { -(1L << 62), 3L }),
            ["A.upper"] = tensor(new[] { 1f, -1f }),
            ["scalar"] = tensor(-7),
            ["empty"] = empty(3, 0, dtype: bfloat16),
        };
        SafeTensors.Save(path, tensors, new Dictionary<string, string> { ["origin"] = "c#", ["format"] = "pt" });

        var (code, output) = RunPython(script, "check", path);

        Assert.True(code == 0 && output.Trim() == "OK", output);
    }
}
