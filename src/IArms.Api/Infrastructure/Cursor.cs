using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace IArms.Api.Infrastructure;

/// <summary>
/// Opaque keyset-paging cursors: the position after which the next page starts. Clients pass them
/// back unchanged; the encoding is versioned so that it can change without breaking old links.
/// </summary>
public static class Cursor
{
    private const string Version = "v1:";

    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    /// <summary>No cursor this service issues is longer; a longer one is refused.</summary>
    public const int MaxLength = 200;

    public static string Encode(long afterId) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(Version + afterId.ToString(CultureInfo.InvariantCulture)));

    public static string Encode(string position) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(Version + position));

    /// <summary>Decodes a cursor made by <see cref="Encode(long)"/>; null when it is not one.</summary>
    public static long? DecodeId(string? cursor) =>
        DecodeText(cursor) is { } text && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id >= 0 ? id : null;

    /// <summary>Decodes a cursor made by <see cref="Encode(string)"/>; null when it is not one.</summary>
    public static string? DecodeText(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor) || cursor.Length > MaxLength)
        {
            return null;
        }
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            return text.StartsWith(Version, StringComparison.Ordinal) ? text[Version.Length..] : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// Reads the <c>limit</c> and <c>cursor</c> query parameters of a keyset-paged list: an absent limit is
    /// the default, one outside 1..<see cref="MaxLimit"/> is refused (as the contract states); an absent cursor starts at
    /// <paramref name="start"/>. Returns the 400 to answer, or null when both are usable.
    /// </summary>
    public static ProblemHttpResult? TryPage(int? limit, string? cursor, long start, out int take, out long position)
    {
        position = start;
        if (TryPage(limit, null, "", out take, out _) is { } bad)
        {
            return bad;
        }
        if (cursor is null)
        {
            return null;
        }
        if (DecodeId(cursor) is not { } decoded)
        {
            return BadCursor();
        }
        position = decoded;
        return null;
    }

    /// <summary>As <see cref="TryPage(int?, string?, long, out int, out long)"/>, for a list keyed on text (a code) rather than an id.</summary>
    public static ProblemHttpResult? TryPage(int? limit, string? cursor, string start, out int take, out string position)
    {
        take = limit ?? DefaultLimit;
        position = start;
        if (take is < 1 or > MaxLimit)
        {
            return Problems.BadRequest("limit", $"'limit' must be between 1 and {MaxLimit}.");
        }
        if (cursor is null)
        {
            return null;
        }
        if (DecodeText(cursor) is not { } decoded)
        {
            return BadCursor();
        }
        position = decoded;
        return null;
    }

    private static ProblemHttpResult BadCursor() =>
        Problems.BadRequest("cursor", "'cursor' is not a cursor this service issued; start again without it.");
}
