using System.Buffers;
using System.Text;
using System.Text.Json;

namespace IArms.Api.Bulk;

/// <summary>
/// Writes the export's records (JSON objects built by the database, <see cref="ExportQueries"/>) to the response as
/// NDJSON lines or CSV rows, through one reused buffer flushed when full: no string per row, no flush per row or page.
/// </summary>
/// <remarks>
/// A JSON line must read exactly as <c>JsonSerializer</c> with the service's options writes the record (the import's
/// own files, and every export before this one, are written so). The engines escape strings their own way (SQLite
/// leaves non-ASCII as it is and writes <c>\"</c>; the serialiser writes <c>\u00E9</c> and <c>\u0022</c>, and escapes
/// <c>&lt; &gt; &amp; ' + `</c> too), and agree only on text that needs no escaping by either. A line holding none of
/// the characters either would escape (nor a backslash, which marks an engine's escape) is written as it comes; one whose
/// only such characters are ASCII gets the serialiser's <c>\u00XX</c> for each; any other is parsed and written again
/// by <see cref="Utf8JsonWriter"/>, whose escaping is the serialiser's.
/// A CSV row is read off the same object, field by field, as <see cref="ImportColumns.ToCsv"/> writes it.
/// </remarks>
internal sealed class ExportLines(Stream body, bool csv) : IAsyncDisposable
{
    private const int Capacity = 64 * 1024;

    // What the serialiser's default encoder escapes in ASCII, the DEL control, every non-ASCII byte, and the
    // backslash an engine's own escape begins with. (Control characters below 0x20 never appear raw in an engine's JSON.)
    private static readonly SearchValues<byte> NeedsRewrite = SearchValues.Create(
        [.. "\\<>&'+`"u8.ToArray(), .. Enumerable.Range(0x7F, 0x81).Select(b => (byte)b)]);

    // What only a parse and a rewrite can settle: an engine's own escape, and anything not ASCII.
    private static readonly SearchValues<byte> NeedsParse = SearchValues.Create(
        [(byte)'\\', .. Enumerable.Range(0x7F, 0x81).Select(b => (byte)b)]);

    // The serialiser writes its \u escapes with upper-case hex digits (\u003C).
    private static readonly byte[] Hex = "0123456789ABCDEF"u8.ToArray();

    private static readonly SearchValues<byte> CsvSpecial = SearchValues.Create(",\"\r\n"u8);

    private static readonly byte[] Newline = "\n"u8.ToArray();
    private static readonly byte[] CrLf = "\r\n"u8.ToArray();

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(Capacity);
    private int _length;
    private readonly ArrayBufferWriter<byte> _rewritten = new();
    private readonly ArrayBufferWriter<byte> _field = new();

    public ValueTask WriteHeaderAsync() => WriteAsync(Encoding.UTF8.GetBytes(ImportColumns.Header), crlf: true);

    /// <summary>One record: its JSON object as UTF-8 bytes (SQLite) or text (SQL Server), as the page statement gave it.</summary>
    public ValueTask WriteLineAsync(object value)
    {
        var bytes = value as byte[] ?? Encoding.UTF8.GetBytes((string)value);
        if (csv)
        {
            return WriteAsync(ToCsv(bytes), crlf: true);
        }
        var span = bytes.AsSpan();
        var line = !span.ContainsAny(NeedsRewrite) ? bytes : span.ContainsAny(NeedsParse) ? Rewrite(bytes) : EscapeAscii(span);
        return WriteAsync(line, crlf: false);
    }

    // A line whose only characters to escape are ASCII ones the engine left alone (& < > ' + `: "Smith & Wesson" is in
    // one record in six). They can stand only inside strings (names and structure are plain ASCII), so each is replaced
    // by the serialiser's escape, without parsing the line again.
    private ReadOnlyMemory<byte> EscapeAscii(ReadOnlySpan<byte> line)
    {
        _rewritten.ResetWrittenCount();
        while (line.IndexOfAny(NeedsRewrite) is var i and >= 0)
        {
            _rewritten.Write(line[..i]);
            var escape = _rewritten.GetSpan(6);
            "\\u00"u8.CopyTo(escape);
            escape[4] = Hex[line[i] >> 4];
            escape[5] = Hex[line[i] & 0xF];
            _rewritten.Advance(6);
            line = line[(i + 1)..];
        }
        _rewritten.Write(line);
        return _rewritten.WrittenMemory;
    }

    /// <summary>
    /// The record's CSV row: every value in the object's order (the import's columns), an array of other serials as
    /// <c>location:value;...</c>, the visibility as <c>all</c> or <c>countries:DE,BE</c>, null as an empty field.
    /// </summary>
    private ReadOnlyMemory<byte> ToCsv(byte[] json)
    {
        _rewritten.ResetWrittenCount();
        var reader = new Utf8JsonReader(json);
        reader.Read(); // the record's StartObject
        var first = true;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            reader.Read();
            if (!first)
            {
                _rewritten.Write(","u8);
            }
            first = false;
            _field.ResetWrittenCount();
            switch (reader.TokenType)
            {
                case JsonTokenType.StartArray: // otherSerials: [{"location":..,"value":..},..]
                    var serial = 0;
                    while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                    {
                        if (serial++ > 0)
                        {
                            _field.Write(";"u8);
                        }
                        var part = 0;
                        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                        {
                            reader.Read();
                            if (part++ > 0)
                            {
                                _field.Write(":"u8);
                            }
                            AppendScalar(ref reader, _field);
                        }
                    }
                    break;
                case JsonTokenType.StartObject: // visibility: {"scope":..,"countries":null|[..]}
                    reader.Read();
                    reader.Read();
                    var all = reader.ValueTextEquals("all"u8);
                    _field.Write(all ? "all"u8 : "countries:"u8);
                    reader.Read();
                    reader.Read();
                    var country = 0;
                    if (reader.TokenType == JsonTokenType.StartArray)
                    {
                        while (reader.Read() && reader.TokenType == JsonTokenType.String)
                        {
                            if (country++ > 0)
                            {
                                _field.Write(","u8);
                            }
                            AppendScalar(ref reader, _field);
                        }
                    }
                    reader.Read(); // the visibility's EndObject
                    break;
                default:
                    AppendScalar(ref reader, _field);
                    break;
            }
            AppendQuoted(_field.WrittenSpan, _rewritten);
        }
        return _rewritten.WrittenMemory;
    }

    // A value's text as ImportColumns.ToCsv writes it: a string unescaped, a number or boolean as written, null as nothing.
    private static void AppendScalar(ref Utf8JsonReader reader, ArrayBufferWriter<byte> to)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String when reader.ValueIsEscaped:
                var span = to.GetSpan(reader.ValueSpan.Length);
                to.Advance(reader.CopyString(span));
                break;
            case JsonTokenType.String or JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False:
                to.Write(reader.ValueSpan);
                break;
        }
    }

    // RFC 4180 as ImportColumns.ToCsv quotes: only a field holding a comma, a quote or a line break, its quotes doubled.
    private static void AppendQuoted(ReadOnlySpan<byte> field, ArrayBufferWriter<byte> to)
    {
        if (!field.ContainsAny(CsvSpecial))
        {
            to.Write(field);
            return;
        }
        to.Write("\""u8);
        foreach (var b in field)
        {
            to.Write(b == (byte)'"' ? "\"\""u8 : [b]);
        }
        to.Write("\""u8);
    }

    private ReadOnlyMemory<byte> Rewrite(byte[] line)
    {
        _rewritten.ResetWrittenCount();
        using (var document = JsonDocument.Parse(line))
        using (var writer = new Utf8JsonWriter(_rewritten))
        {
            document.RootElement.WriteTo(writer);
        }
        return _rewritten.WrittenMemory;
    }

    // line: the row's bytes, or the rewritten ones, which stay as they are until the next row is rewritten.
    private async ValueTask WriteAsync(ReadOnlyMemory<byte> line, bool crlf)
    {
        var end = crlf ? CrLf : Newline;
        if (_length + line.Length + end.Length > _buffer.Length)
        {
            await FlushAsync();
            if (line.Length + end.Length > _buffer.Length)
            {
                // A line longer than the buffer (long notes): the buffer grows to hold it.
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = ArrayPool<byte>.Shared.Rent(line.Length + end.Length);
            }
        }
        line.Span.CopyTo(_buffer.AsSpan(_length));
        _length += line.Length;
        end.CopyTo(_buffer, _length);
        _length += end.Length;
    }

    private async ValueTask FlushAsync()
    {
        if (_length > 0)
        {
            await body.WriteAsync(_buffer.AsMemory(0, _length));
            _length = 0;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await FlushAsync();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }
    }
}
