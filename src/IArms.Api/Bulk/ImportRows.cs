using System.Globalization;
using System.Text;
using System.Text.Json;
using IArms.Api.Firearms;

namespace IArms.Api.Bulk;

/// <summary>One row of an import file: where it starts, where the next one starts, and its fields or why it cannot be read.</summary>
/// <param name="Line">The physical line the row starts on (1-based).</param>
/// <param name="NextLine">The line the next row starts on.</param>
/// <param name="NextOffset">The byte offset the next row starts at: a checkpoint resumes there.</param>
/// <param name="Fields">The row's fields (CSV), or its one text (NDJSON); null when <paramref name="Error"/> says why.</param>
/// <param name="Error">Why the row cannot be read (too long, not UTF-8, an unclosed quote).</param>
/// <param name="Blank">An empty line: skipped, neither read nor rejected.</param>
public sealed record ImportRow(long Line, long NextLine, long NextOffset, IReadOnlyList<string>? Fields, string? Error, bool Blank = false);

/// <summary>
/// Reads an import file row by row from a byte offset, never more than one row in memory: NDJSON (one record per line)
/// or CSV (RFC 4180: fields quoted with <c>"</c>, quotes doubled, commas and line breaks inside quotes). Works on bytes,
/// so that offsets are exact and a row longer than <see cref="MaxRowBytes"/> is skipped without being held; each field
/// is then decoded as strict UTF-8. A UTF-8 byte order mark at the start of the file is skipped.
/// </summary>
public sealed class ImportRowReader
{
    public const int MaxRowBytes = 1024 * 1024;

    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Stream _stream;
    private readonly bool _csv;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private readonly MemoryStream _lineBytes = new();
    private int _length;
    private int _index;
    private long _offset;
    private long _line;

    public ImportRowReader(Stream stream, bool csv, long offset, long line)
    {
        _stream = stream;
        _csv = csv;
        _stream.Position = offset;
        _offset = offset;
        _line = line;
        if (offset == 0 && Fill() && _length >= 3 && _buffer[0] == 0xEF && _buffer[1] == 0xBB && _buffer[2] == 0xBF)
        {
            (_index, _offset) = (3, 3);
        }
    }

    /// <summary>The next row, or null at the end of the file.</summary>
    public ImportRow? Next()
    {
        if (Peek() < 0)
        {
            return null;
        }
        var line = _line;
        return _csv ? NextCsv(line) : NextLine(line);
    }

    private ImportRow NextLine(long line)
    {
        // The buffer is searched for the line's end a block at a time (not byte by byte): reading was a tenth of an
        // import's time. Only the first MaxRowBytes of a line are kept; the rest is skipped to its end.
        var bytes = _lineBytes;
        bytes.SetLength(0);
        var tooLong = false;
        while (_index < _length || Fill())
        {
            var available = _buffer.AsSpan(_index, _length - _index);
            var end = available.IndexOf((byte)'\n');
            var part = end < 0 ? available : available[..end];
            var room = (int)Math.Min(part.Length, MaxRowBytes - bytes.Length);
            bytes.Write(part[..room]);
            tooLong |= room < part.Length;
            var consumed = end < 0 ? part.Length : end + 1;
            (_index, _offset) = (_index + consumed, _offset + consumed);
            if (end >= 0)
            {
                break;
            }
        }
        _line++;
        if (tooLong)
        {
            return new ImportRow(line, _line, _offset, null, TooLong);
        }
        var span = bytes.GetBuffer().AsSpan(0, (int)bytes.Length);
        if (span.Length > 0 && span[^1] == '\r')
        {
            span = span[..^1];
        }
        if (!TryDecode(span, out var text))
        {
            return new ImportRow(line, _line, _offset, null, InvalidUtf8);
        }
        return new ImportRow(line, _line, _offset, [text], null, Blank: string.IsNullOrWhiteSpace(text));
    }

    private ImportRow NextCsv(long line)
    {
        var fields = new List<byte[]>();
        var field = new MemoryStream();
        long size = 0;
        var quoted = false;
        var atFieldStart = true;
        string? error = null;
        while (true)
        {
            var b = Read();
            if (b < 0)
            {
                if (quoted)
                {
                    error ??= "The row has a quoted field that is never closed.";
                }
                break;
            }
            if (b == '\n')
            {
                _line++;
            }
            if (++size > MaxRowBytes)
            {
                error ??= TooLong;
            }
            if (quoted)
            {
                if (b == '"')
                {
                    if (Peek() == '"')
                    {
                        Read();
                        Append(field, '"', error);
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    Append(field, b, error);
                }
                continue;
            }
            if (b == '"' && atFieldStart)
            {
                quoted = true;
                atFieldStart = false;
                continue;
            }
            if (b == ',')
            {
                fields.Add(field.ToArray());
                field.SetLength(0);
                atFieldStart = true;
                continue;
            }
            if (b == '\r' && Peek() == '\n')
            {
                continue;
            }
            if (b == '\n')
            {
                break;
            }
            atFieldStart = false;
            Append(field, b, error);
        }
        fields.Add(field.ToArray());
        if (error is not null)
        {
            return new ImportRow(line, _line, _offset, null, error);
        }
        if (fields is [{ Length: 0 }])
        {
            return new ImportRow(line, _line, _offset, [""], null, Blank: true);
        }
        var texts = new List<string>(fields.Count);
        foreach (var bytes in fields)
        {
            if (!TryDecode(bytes, out var text))
            {
                return new ImportRow(line, _line, _offset, null, InvalidUtf8);
            }
            texts.Add(text);
        }
        return new ImportRow(line, _line, _offset, texts, null);
    }

    private const string TooLong = "The row is longer than 1 MiB (1048576 bytes); it was skipped.";
    private const string InvalidUtf8 = "The row is not valid UTF-8.";

    private static void Append(MemoryStream field, int b, string? error)
    {
        // A row already refused is still read to its end, but not kept.
        if (error is null)
        {
            field.WriteByte((byte)b);
        }
    }

    private static bool TryDecode(ReadOnlySpan<byte> bytes, out string text)
    {
        try
        {
            text = Strict.GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = "";
            return false;
        }
    }

    private int Peek()
    {
        if (_index == _length && !Fill())
        {
            return -1;
        }
        return _buffer[_index];
    }

    private int Read()
    {
        if (_index == _length && !Fill())
        {
            return -1;
        }
        _offset++;
        return _buffer[_index++];
    }

    private bool Fill()
    {
        _length = _stream.Read(_buffer, 0, _buffer.Length);
        _index = 0;
        return _length > 0;
    }
}

/// <summary>
/// The columns of an import or export file: the fields of <c>POST /firearms</c>, in this order. In CSV,
/// <c>otherSerials</c> is <c>location:value;location:value</c> and <c>visibility</c> is <c>all</c> or
/// <c>countries:DE,BE</c>; an empty field is an absent value.
/// </summary>
public static class ImportColumns
{
    public static readonly IReadOnlyList<string> All =
    [
        "externalId", "serialNumber", "otherSerials", "make", "model", "calibre", "type", "countryOfManufacture",
        "yearOfManufacture", "importMarking", "status", "eventDate", "eventCountryCode", "eventPlace", "caseReference",
        "obliteratedSerial", "visibility", "notes",
    ];

    /// <summary>Maps a CSV row to a request by the header's columns; a value that cannot be read is named in <paramref name="errors"/>.</summary>
    public static FirearmRequest FromCsv(IReadOnlyDictionary<string, int> header, IReadOnlyList<string> fields, Dictionary<string, string[]> errors)
    {
        string? Get(string column) => header.TryGetValue(column, out var i) && fields[i].Length > 0 ? fields[i] : null;
        void Fail(string column, string message) => errors[column] = [message];

        int? year = null;
        if (Get("yearOfManufacture") is { } y)
        {
            if (int.TryParse(y, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                year = value;
            }
            else
            {
                Fail("yearOfManufacture", "'yearOfManufacture' must be a whole number.");
            }
        }
        DateOnly? eventDate = null;
        if (Get("eventDate") is { } d)
        {
            if (DateOnly.TryParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var value))
            {
                eventDate = value;
            }
            else
            {
                Fail("eventDate", "'eventDate' must be a date written yyyy-MM-dd.");
            }
        }
        bool? obliterated = null;
        if (Get("obliteratedSerial") is { } o)
        {
            if (bool.TryParse(o, out var value))
            {
                obliterated = value;
            }
            else
            {
                Fail("obliteratedSerial", "'obliteratedSerial' must be true or false.");
            }
        }
        List<OtherSerial>? others = null;
        if (Get("otherSerials") is { } text)
        {
            others = [];
            foreach (var part in text.Split(';'))
            {
                var colon = part.IndexOf(':', StringComparison.Ordinal);
                if (colon <= 0)
                {
                    Fail("otherSerials", "'otherSerials' must be written location:value;location:value.");
                    break;
                }
                others.Add(new OtherSerial(part[..colon], part[(colon + 1)..]));
            }
        }
        Visibility? visibility = null;
        if (Get("visibility") is { } v)
        {
            if (v == "all")
            {
                visibility = new Visibility("all", null);
            }
            else if (v.StartsWith("countries:", StringComparison.Ordinal))
            {
                visibility = new Visibility("countries", v["countries:".Length..].Split(','));
            }
            else
            {
                Fail("visibility", "'visibility' must be all or countries:DE,BE.");
            }
        }
        return new FirearmRequest(
            Get("externalId"), Get("serialNumber"), others, Get("make"), Get("model"), Get("calibre"), Get("type"),
            Get("countryOfManufacture"), year, Get("importMarking"), Get("status"), eventDate, Get("eventCountryCode"),
            Get("eventPlace"), Get("caseReference"), obliterated, visibility, Get("notes"));
    }

    /// <summary>One record (as the body of <c>POST /firearms</c>) as a CSV row, in <see cref="All"/>'s order, quoted where RFC 4180 needs it.</summary>
    public static string ToCsv(FirearmRequest f)
    {
        var values = new[]
        {
            f.ExternalId, f.SerialNumber, string.Join(';', (f.OtherSerials ?? []).Select(o => $"{o.Location}:{o.Value}")), f.Make, f.Model, f.Calibre,
            f.Type, f.CountryOfManufacture, f.YearOfManufacture?.ToString(CultureInfo.InvariantCulture), f.ImportMarking, f.Status,
            f.EventDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), f.EventCountryCode, f.EventPlace, f.CaseReference,
            f.ObliteratedSerial is { } o ? (o ? "true" : "false") : null,
            f.Visibility is null ? null : f.Visibility.Scope == "all" ? "all" : "countries:" + string.Join(',', f.Visibility.Countries ?? []), f.Notes,
        };
        return string.Join(',', values.Select(v => Quote(v ?? "")));
    }

    public static string Header => string.Join(',', All);

    private static string Quote(string value) =>
        value.IndexOfAny([',', '"', '\r', '\n']) < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>The field a JSON error names (<c>$.eventDate</c> → <c>eventDate</c>), or <c>row</c>.</summary>
    public static string FieldOf(JsonException e)
    {
        var path = e.Path;
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "row";
        }
        var name = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;
        var end = name.IndexOfAny(['.', '[']);
        return end < 0 ? name : name[..end];
    }
}
