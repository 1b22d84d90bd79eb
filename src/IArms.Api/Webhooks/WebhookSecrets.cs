using System.Security.Cryptography;
using System.Text;
using IArms.Api.Data;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace IArms.Api.Webhooks;

/// <summary>
/// Signing secrets: made, encrypted at rest, and used to sign (Standard Webhooks). The service must sign long after a
/// restart, so the secret is stored recoverably; it is encrypted with AES-GCM under a key from configuration rather
/// than with ASP.NET Data Protection, whose keys here live in memory only and die with the process.
/// </summary>
public sealed class WebhookSecrets(IOptions<WebhookOptions> options, Db db, ILogger<WebhookSecrets> logger)
{
    public const string Prefix = "whsec_";
    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    private readonly Lazy<byte[]> _key = new(() => LoadKey(options.Value, db, logger));

    /// <summary>A new secret: <c>whsec_</c> and 32 random bytes in base64, as Standard Webhooks libraries expect.</summary>
    public static string NewSecret() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public byte[] Encrypt(string secret)
    {
        var plain = Encoding.UTF8.GetBytes(secret);
        var sealedBox = new byte[NonceBytes + TagBytes + plain.Length];
        var nonce = sealedBox.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key.Value, TagBytes);
        aes.Encrypt(nonce, plain, sealedBox.AsSpan(NonceBytes + TagBytes), sealedBox.AsSpan(NonceBytes, TagBytes));
        return sealedBox;
    }

    public string Decrypt(byte[] sealedBox)
    {
        var plain = new byte[sealedBox.Length - NonceBytes - TagBytes];
        using var aes = new AesGcm(_key.Value, TagBytes);
        aes.Decrypt(sealedBox.AsSpan(0, NonceBytes), sealedBox.AsSpan(NonceBytes + TagBytes), sealedBox.AsSpan(NonceBytes, TagBytes), plain);
        return Encoding.UTF8.GetString(plain);
    }

    /// <summary>The <c>webhook-signature</c> value: <c>v1,</c> + base64 HMAC-SHA256 of <c>id.timestamp.body</c>, one per secret, space-separated.</summary>
    public static string Sign(IEnumerable<string> secrets, string messageId, long timestamp, string body)
    {
        var content = Encoding.UTF8.GetBytes($"{messageId}.{timestamp}.{body}");
        return string.Join(' ', secrets.Select(secret =>
            "v1," + Convert.ToBase64String(HMACSHA256.HashData(Convert.FromBase64String(secret[Prefix.Length..]), content))));
    }

    private static byte[] LoadKey(WebhookOptions o, Db db, ILogger logger)
    {
        if (!string.IsNullOrWhiteSpace(o.SecretKey))
        {
            var key = Convert.FromBase64String(o.SecretKey);
            return key.Length == 32 ? key : throw new InvalidOperationException($"{WebhookOptions.Section}:SecretKey must be 32 bytes in base64.");
        }
        var file = o.SecretKeyFile;
        if (string.IsNullOrWhiteSpace(file))
        {
            if (db.Provider != DatabaseProvider.Sqlite)
            {
                throw new InvalidOperationException($"{WebhookOptions.Section}:SecretKey (32 bytes, base64) must be set to keep webhook secrets on SQL Server.");
            }
            var folder = Path.GetDirectoryName(Path.GetFullPath(new SqliteConnectionStringBuilder(db.ConnectionString).DataSource))!;
            file = Path.Combine(folder, "webhook-secret.key");
        }
        if (File.Exists(file))
        {
            return Convert.FromBase64String(File.ReadAllText(file).Trim());
        }
        // Created once, readable by the service's user only; kept apart from the database so a copy of the file alone reveals no secret.
        var created = RandomNumberGenerator.GetBytes(32);
        var open = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            open.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var writer = new StreamWriter(new FileStream(file, open)))
        {
            writer.Write(Convert.ToBase64String(created));
        }
        logger.LogWarning("Created the webhook secret key file {File}; set {Setting} in production", file, $"{WebhookOptions.Section}:SecretKey");
        return created;
    }
}
