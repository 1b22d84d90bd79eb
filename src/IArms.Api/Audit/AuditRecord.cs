using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace IArms.Api.Audit;

/// <summary>
/// One line of the audit log. <see cref="AgencyId"/> and <see cref="KeyId"/> are null for a failed authentication;
/// <see cref="Officer"/> is filled by the officer accounts feature; a handler-written entry (the search) is an
/// allowed 200 unless it says otherwise, and gets the request's source address from the writer.
/// </summary>
public sealed record AuditRecord(
    DateTimeOffset At, long? AgencyId, long? KeyId, string Action, string? SearchId, string? Purpose,
    string? CaseReference, string Query, int? ResultCount)
{
    public string? Officer { get; init; }
    public string? SourceAddress { get; init; }
    public string? ObjectId { get; init; }
    public string Outcome { get; init; } = AuditOutcomes.Allowed;
    public int? StatusCode { get; init; } = StatusCodes.Status200OK;
}

/// <summary>
/// The tamper evidence: each entry's hash is SHA-256 over the previous entry's hash and a canonical serialisation
/// of the entry's own fields (a JSON array in a fixed order, times in UTC to the tick), so editing any field, or
/// deleting or inserting an entry, breaks the chain from there on. The first entry chains to <see cref="Genesis"/>,
/// or, after retention has purged older ones, to the anchor: the hash of the last entry purged.
/// </summary>
public static class AuditChain
{
    public static readonly byte[] Genesis = new byte[32];

    public static byte[] Next(byte[] previous, AuditRecord e)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        buffer.Write(previous);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            json.WriteStringValue(e.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
            Number(json, e.AgencyId);
            Number(json, e.KeyId);
            json.WriteStringValue(e.Officer);
            json.WriteStringValue(e.SourceAddress);
            json.WriteStringValue(e.Action);
            json.WriteStringValue(e.ObjectId);
            json.WriteStringValue(e.Outcome);
            Number(json, e.StatusCode);
            json.WriteStringValue(e.SearchId);
            json.WriteStringValue(e.Purpose);
            json.WriteStringValue(e.CaseReference);
            json.WriteStringValue(e.Query);
            Number(json, e.ResultCount);
            json.WriteEndArray();
        }
        return SHA256.HashData(buffer.WrittenSpan);
    }

    private static void Number(Utf8JsonWriter json, long? value)
    {
        if (value is { } v)
        {
            json.WriteNumberValue(v);
        }
        else
        {
            json.WriteNullValue();
        }
    }
}
