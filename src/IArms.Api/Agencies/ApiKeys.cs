using System.Security.Cryptography;

namespace IArms.Api.Agencies;

/// <summary>
/// API key material. A key is 32 random bytes shown once; only its SHA-256 is stored. Keys are
/// looked up by hash (a preimage-resistant index, so the lookup leaks nothing of the secret) and
/// the stored hash is then compared in constant time.
/// </summary>
public static class ApiKeys
{
    private const string Prefix = "iak_";

    public static string NewKey() => Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static byte[] Hash(string key) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key));

    /// <summary>
    /// A few leading characters, kept so that an administrator can tell keys apart: four random characters
    /// of a generated key, or the first four of a chosen one (never enough of it to help a guesser).
    /// </summary>
    public static string DisplayPrefix(string key) =>
        key.StartsWith(Prefix, StringComparison.Ordinal) ? key[..(Prefix.Length + 4)] : key[..Math.Min(4, key.Length / 4)];

    public static bool HashesEqual(byte[] a, byte[] b) => CryptographicOperations.FixedTimeEquals(a, b);

    public static string JoinRoles(IEnumerable<string> roles) => string.Join(',', roles.Distinct().Order(StringComparer.Ordinal));

    public static IReadOnlySet<string> SplitRoles(string roles) =>
        roles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
