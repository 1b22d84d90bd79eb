using System.Security.Cryptography;

namespace IArms.Core.Security;

/// <summary>
/// Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP): HMAC-SHA1, 30-second steps, 6 digits, the form
/// every authenticator app reads from an <c>otpauth://</c> URI. A code is accepted one step either side of now (a
/// phone's clock drifts), and <see cref="Verify"/> answers the step it matched so that the caller can refuse it
/// a second time: a code seen over a shoulder is worth nothing once used.
/// </summary>
public static class Totp
{
    public const int StepSeconds = 30;
    public const int Digits = 6;
    public const int SecretBytes = 20;

    /// <summary>A new random secret of 160 bits, the length RFC 4226 recommends for HMAC-SHA1.</summary>
    public static byte[] NewSecret() => RandomNumberGenerator.GetBytes(SecretBytes);

    /// <summary>The step a moment falls in: seconds since the Unix epoch divided by 30.</summary>
    public static long StepAt(DateTimeOffset at) => at.ToUnixTimeSeconds() / StepSeconds;

    /// <summary>The code of one step, with <paramref name="digits"/> digits (6 here; RFC 6238's vectors use 8).</summary>
    public static string Code(byte[] secret, long step, int digits = Digits)
    {
        Span<byte> counter = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(counter, step);
        Span<byte> hash = stackalloc byte[20];
        HMACSHA1.HashData(secret, counter, hash);
        var offset = hash[^1] & 0x0F;
        var binary = ((hash[offset] & 0x7F) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        var modulo = 1;
        for (var i = 0; i < digits; i++)
        {
            modulo *= 10;
        }
        return (binary % modulo).ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(digits, '0');
    }

    /// <summary>
    /// The step whose code <paramref name="code"/> is, among now and one step either side, later than
    /// <paramref name="lastUsedStep"/>; null when none is (a wrong, stale or replayed code). Compared in constant time.
    /// </summary>
    public static long? Verify(byte[] secret, string? code, DateTimeOffset now, long lastUsedStep)
    {
        if (code is null)
        {
            return null;
        }
        code = code.Replace(" ", "", StringComparison.Ordinal);
        if (code.Length != Digits || !code.All(char.IsAsciiDigit))
        {
            return null;
        }
        var current = StepAt(now);
        long? matched = null;
        for (var step = current - 1; step <= current + 1; step++)
        {
            var expected = System.Text.Encoding.ASCII.GetBytes(Code(secret, step));
            if (CryptographicOperations.FixedTimeEquals(expected, System.Text.Encoding.ASCII.GetBytes(code)) && step > lastUsedStep)
            {
                matched ??= step;
            }
        }
        return matched;
    }

    /// <summary>RFC 4648 base32 without padding: how authenticator apps take the secret, typed or scanned.</summary>
    public static string Base32(byte[] data)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var text = new System.Text.StringBuilder((data.Length * 8 + 4) / 5);
        int buffer = 0, bits = 0;
        foreach (var b in data)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                text.Append(alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0)
        {
            text.Append(alphabet[(buffer << (5 - bits)) & 31]);
        }
        return text.ToString();
    }

    /// <summary>Reads base32 (case and spaces ignored); null when it is not base32.</summary>
    public static byte[]? FromBase32(string text)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bytes = new List<byte>();
        int buffer = 0, bits = 0;
        foreach (var c in text.ToUpperInvariant().Replace(" ", "", StringComparison.Ordinal).TrimEnd('='))
        {
            var value = alphabet.IndexOf(c, StringComparison.Ordinal);
            if (value < 0)
            {
                return null;
            }
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                bytes.Add((byte)((buffer >> (bits - 8)) & 0xFF));
                bits -= 8;
            }
        }
        return [.. bytes];
    }

    /// <summary>The <c>otpauth://</c> URI an authenticator app scans: issuer and account name, the secret in base32.</summary>
    public static string Uri(string issuer, string account, byte[] secret) =>
        $"otpauth://totp/{System.Uri.EscapeDataString(issuer)}:{System.Uri.EscapeDataString(account)}" +
        $"?secret={Base32(secret)}&issuer={System.Uri.EscapeDataString(issuer)}&algorithm=SHA1&digits={Digits}&period={StepSeconds}";
}
