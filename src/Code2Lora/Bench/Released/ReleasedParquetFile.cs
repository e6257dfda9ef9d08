using System.Data.Common;
using System.Globalization;
using DuckDB.NET.Data;

namespace Code2Lora.Bench.Released;

/// <summary>
/// One Parquet file of a released dataset, read through DuckDB: the released files store their vectors as
/// <c>list&lt;float16&gt;</c> (FIXED_LEN_BYTE_ARRAY(2) with the FLOAT16 logical type, written by pyarrow), which Parquet.Net
/// cannot read. DuckDB streams the rows (row group by row group, never the whole file in memory) and reads fp16, fp32 and
/// fp64 lists alike; a vector stored as raw little-endian fp16 bytes (BLOB) is accepted too.
/// </summary>
public sealed class ReleasedParquetFile : IDisposable
{
    private readonly DuckDBConnection connection;

    private ReleasedParquetFile(string path, DuckDBConnection connection, IReadOnlyDictionary<string, string> columns, long rows) =>
        (Path, this.connection, Columns, Rows) = (path, connection, columns, rows);

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>Column name → DuckDB type (e.g. VARCHAR, INTEGER, FLOAT[]).</summary>
    public IReadOnlyDictionary<string, string> Columns { get; }

    /// <summary>Rows in the file (from its footer).</summary>
    public long Rows { get; }

    /// <summary>Opens <paramref name="path"/> and reads its schema; a file that is not Parquet is a clear error naming it.</summary>
    public static ReleasedParquetFile Open(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"no Parquet file at {path}", path);
        var connection = new DuckDBConnection("DataSource=:memory:");
        try
        {
            connection.Open();
            var columns = new Dictionary<string, string>(StringComparer.Ordinal);
            using (var describe = connection.CreateCommand())
            {
                describe.CommandText = $"DESCRIBE SELECT * FROM read_parquet({Literal(path)})";
                using var reader = describe.ExecuteReader();
                while (reader.Read()) columns[reader.GetString(0)] = reader.GetString(1);
            }
            using var count = connection.CreateCommand();
            count.CommandText = $"SELECT count(*) FROM read_parquet({Literal(path)})";   // answered from the footer
            var rows = Convert.ToInt64(count.ExecuteScalar(), CultureInfo.InvariantCulture);
            return new ReleasedParquetFile(path, connection, columns, rows);
        }
        catch (DuckDBException e)
        {
            connection.Dispose();
            throw new InvalidDataException($"{path}: not a readable Parquet file ({e.Message.Split('\n')[0]}).", e);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>True when the file has column <paramref name="name"/>.</summary>
    public bool Has(string name) => Columns.ContainsKey(name);

    /// <summary>Throws unless every one of <paramref name="names"/> is a column, naming the file, the missing columns and what it has.</summary>
    public void Require(IEnumerable<string> names, string dataset)
    {
        var missing = names.Where(n => !Has(n)).ToList();
        if (missing.Count > 0)
            throw new InvalidDataException($"{Path}: no column {string.Join(", ", missing.Select(m => $"'{m}'"))}, which the {dataset} release has " +
                                           $"(this file has: {string.Join(", ", Columns.Keys)}). Is it the right file, from the right dataset?");
    }

    /// <summary>Streams the rows of <paramref name="columns"/> (each must exist), in file order.</summary>
    public IEnumerable<ReleasedRow> Read(IReadOnlyList<string> columns)
    {
        using var command = connection.CreateCommand();
        command.UseStreamingMode = true;
        command.CommandText = $"SELECT {string.Join(", ", columns.Select(Quote))} FROM read_parquet({Literal(Path)})";
        using var reader = command.ExecuteReader();
        var index = columns.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        long row = 0;
        while (reader.Read()) yield return new ReleasedRow(this, reader, index, row++);
    }

    /// <inheritdoc/>
    public void Dispose() => connection.Dispose();

    private static string Literal(string s) => "'" + s.Replace("'", "''") + "'";

    private static string Quote(string column) => "\"" + column.Replace("\"", "\"\"") + "\"";

    /// <summary>The current row of <see cref="Read"/>: typed getters whose errors name the file, the row and the column.</summary>
    public readonly struct ReleasedRow
    {
        private readonly ReleasedParquetFile file;
        private readonly DbDataReader reader;
        private readonly IReadOnlyDictionary<string, int> index;

        internal ReleasedRow(ReleasedParquetFile file, DbDataReader reader, IReadOnlyDictionary<string, int> index, long number) =>
            (this.file, this.reader, this.index, Number) = (file, reader, index, number);

        /// <summary>0-based row number in the file.</summary>
        public long Number { get; }

        /// <summary>A string column; null when the value is null or the column was not read.</summary>
        public string? String(string column) =>
            index.TryGetValue(column, out var i) && !reader.IsDBNull(i) ? Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture) : null;

        /// <summary>A string column that must hold a value.</summary>
        public string RequiredString(string column) => String(column) ?? throw Error(column, "is null");

        /// <summary>An integer column; <paramref name="fallback"/> when null or not read.</summary>
        public int Int(string column, int fallback = 0)
        {
            if (!index.TryGetValue(column, out var i) || reader.IsDBNull(i)) return fallback;
            var value = reader.GetValue(i);
            try { return Convert.ToInt32(value, CultureInfo.InvariantCulture); }
            catch (Exception e) when (e is FormatException or OverflowException or InvalidCastException) { throw Error(column, $"is not an integer ({value})"); }
        }

        /// <summary>A timestamp column (an ISO 8601 string, as released, or a Parquet timestamp) in UTC; <paramref name="fallback"/> when absent.</summary>
        public DateTime Timestamp(string column, DateTime fallback)
        {
            if (!index.TryGetValue(column, out var i) || reader.IsDBNull(i)) return fallback;
            var value = reader.GetValue(i);
            return value switch
            {
                DateTime dt => DateTime.SpecifyKind(dt, DateTimeKind.Utc),
                DateTimeOffset dto => dto.UtcDateTime,
                string s when DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) => parsed.UtcDateTime,
                _ => throw Error(column, $"is not an ISO 8601 timestamp ({value})"),
            };
        }

        /// <summary>A vector column (a list of fp16/fp32/fp64 numbers, or little-endian fp16 bytes) as floats; null values are an error.</summary>
        public float[] Vector(string column)
        {
            if (!index.TryGetValue(column, out var i)) throw Error(column, "was not read");
            if (reader.IsDBNull(i)) throw Error(column, "is null (a row without its vector)");
            var value = reader.GetValue(i);
            return value switch
            {
                List<float> f => [.. f],
                List<double> d => d.Select(x => (float)x).ToArray(),
                List<float?> nf when nf.All(x => x.HasValue) => nf.Select(x => x!.Value).ToArray(),
                List<double?> nd when nd.All(x => x.HasValue) => nd.Select(x => (float)x!.Value).ToArray(),
                byte[] bytes when bytes.Length % 2 == 0 => Code2Lora.Encoders.EmbeddingStore.FromFp16(bytes),
                System.IO.Stream stream => FromStream(stream),
                _ => throw Error(column, $"is not a vector of numbers ({value.GetType().Name}; DuckDB type {file.Columns[column]})"),
            };
        }

        private static float[] FromStream(System.IO.Stream stream)
        {
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.Length % 2 == 0 ? Code2Lora.Encoders.EmbeddingStore.FromFp16(copy.ToArray()) : throw new InvalidDataException("odd fp16 byte count");
        }

        private InvalidDataException Error(string column, string what) => new($"{file.Path}: row {Number}, column '{column}' {what}.");
    }
}
