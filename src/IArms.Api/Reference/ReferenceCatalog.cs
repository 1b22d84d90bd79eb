using IArms.Api.Data;
using IArms.Api.Firearms;
using IArms.Core.Reference;

namespace IArms.Api.Reference;

/// <summary>
/// The reference table in memory: one resolver for makes and one for calibres, rebuilt from the
/// database whenever the table changes. Immutable snapshots are swapped whole, so a request always
/// sees one consistent table.
/// </summary>
public sealed class ReferenceCatalog(Db db) : IFirearmCanonicalizer
{
    private volatile Snapshot? _snapshot;

    /// <summary>Both resolvers, built from one read of the table.</summary>
    public sealed record Snapshot(ReferenceResolver Makes, ReferenceResolver Calibres)
    {
        public ReferenceResolver For(ReferenceKind kind) => kind == ReferenceKind.Make ? Makes : Calibres;
    }

    public ReferenceResolver Makes => Current.Makes;

    public ReferenceResolver Calibres => Current.Calibres;

    public ReferenceResolver For(ReferenceKind kind) => kind == ReferenceKind.Make ? Makes : Calibres;

    private Snapshot Current => _snapshot ?? throw new InvalidOperationException("The reference table has not been loaded yet.");

    public string? CanonicalMake(string? make) => Resolve(ReferenceKind.Make, make);

    public string? CanonicalCalibre(string? calibre) => Resolve(ReferenceKind.Calibre, calibre);

    private string? Resolve(ReferenceKind kind, string? text) =>
        string.IsNullOrWhiteSpace(text) ? null : For(kind).Resolve(text).Entry?.CanonicalName;

    /// <summary>Reads the table and swaps in new resolvers.</summary>
    public async Task ReloadAsync(CancellationToken ct)
    {
        await using var session = await db.PrimaryAsync(ct);
        Use(await ReferenceQueries.ReadAsync(session));
    }

    /// <summary>Swaps in resolvers read by <see cref="ReferenceQueries.ReadAsync"/>.</summary>
    public void Use(Snapshot snapshot) => _snapshot = snapshot;
}
