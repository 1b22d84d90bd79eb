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

    public static string Encode(long afterId) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(Version + afterId.ToString(CultureInfo.InvariantCulture)));

    public static string Encode(string position) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(Version + position));

    /// <summary>Decodes a cursor made by <see cref="Encode(long)"/>; null when it is not one.</summary>
    public static long? DecodeId(string? cursor) =>
        DecodeText(cursor) is { } text && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id >= 0 ? id : null;

    /// <summary>Decodes a cursor made by <see cref="Encode(string)"/>; null when it is not one.</summary>
    public static string? DecodeText(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor) || cursor.Length > 200)
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

    /// <summary>Validates <c>limit</c>: absent means the default, above the maximum is capped, below 1 is an error.</summary>
    public static bool TryLimit(int? limit, out int value)
    {
        value = Math.Min(limit ?? DefaultLimit, MaxLimit);
        return value >= 1;
    }
}
