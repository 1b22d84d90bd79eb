namespace IArms.Core.Serials;

// Stand-in until the matching domain lands: same contract, simplest rules.
public static class SerialNormalizer
{
    public static string Normalize(string? raw) =>
        new((raw ?? "").ToUpperInvariant().Where(c => c is >= 'A' and <= 'Z' or >= '0' and <= '9').ToArray());

    public static string Canonicalize(string normalized) => new(normalized.Select(c => c switch
    {
        'O' or 'Q' or 'D' => '0',
        'I' or 'L' => '1',
        'Z' => '2',
        'S' => '5',
        'B' => '8',
        'G' => '6',
        _ => c,
    }).ToArray());

    public static string Canonical(string? raw) => Canonicalize(Normalize(raw));
}
