using System.Text.Json;
using System.Text.Json.Serialization;
using IArms.Core;

namespace IArms.Api.Infrastructure;

/// <summary>
/// Reads every JSON string of a request in Unicode normalisation form C (<see cref="Nfc"/>), so that
/// "é" sent as one character or as "e" plus a combining accent is stored, compared and searched as the
/// same text, whatever field it is in. Writes strings unchanged.
/// </summary>
public sealed class NfcStringConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetString() is { } text ? Nfc.Normalize(text) : null;

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    // Dictionary keys (the errors map of a 400 is one) go through the same converter.
    public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Nfc.Normalize(reader.GetString()!);

    public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options) =>
        writer.WritePropertyName(value);
}
