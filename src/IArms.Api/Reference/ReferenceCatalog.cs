using System.Data.Common;
using Dapper;
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
    private static readonly SqlText SelectMakes = SqlText.Same(
        "SELECT id AS Id, canonical_name AS CanonicalName, country_code AS CountryCode FROM reference_make");
    private static readonly SqlText SelectMakeAliases = SqlText.Same(
        "SELECT make_id AS OwnerId, alias AS Alias FROM reference_make_alias ORDER BY id");
    private static readonly SqlText SelectCalibres = SqlText.Same(
        "SELECT id AS Id, canonical_name AS CanonicalName, NULL AS CountryCode FROM reference_calibre");
    private static readonly SqlText SelectCalibreAliases = SqlText.Same(
        "SELECT calibre_id AS OwnerId, alias AS Alias FROM reference_calibre_alias ORDER BY id");

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
        await using var connection = await db.OpenAsync(ct);
        Use(await ReadAsync(connection, null, ct));
    }

    /// <summary>Swaps in resolvers read by <see cref="ReadAsync"/>.</summary>
    public void Use(Snapshot snapshot) => _snapshot = snapshot;

    /// <summary>Reads the table as the connection (and transaction) sees it.</summary>
    public async Task<Snapshot> ReadAsync(DbConnection connection, DbTransaction? tx, CancellationToken ct) => new(
        new ReferenceResolver(await LoadAsync(connection, tx, SelectMakes, SelectMakeAliases, ct), ReferenceKind.Make),
        new ReferenceResolver(await LoadAsync(connection, tx, SelectCalibres, SelectCalibreAliases, ct), ReferenceKind.Calibre));

    private async Task<IReadOnlyList<ReferenceEntry>> LoadAsync(DbConnection connection, DbTransaction? tx, SqlText entries, SqlText aliases, CancellationToken ct)
    {
        var rows = await connection.QueryAsync<EntryRow>(new CommandDefinition(db.Sql(entries), transaction: tx, cancellationToken: ct));
        var byOwner = (await connection.QueryAsync<AliasRow>(new CommandDefinition(db.Sql(aliases), transaction: tx, cancellationToken: ct)))
            .ToLookup(a => a.OwnerId, a => a.Alias);
        return rows.Select(r => new ReferenceEntry(r.Id, r.CanonicalName, r.CountryCode, byOwner[r.Id].ToList())).ToList();
    }

    private sealed class EntryRow
    {
        public long Id { get; set; }
        public string CanonicalName { get; set; } = "";
        public string? CountryCode { get; set; }
    }

    private sealed class AliasRow
    {
        public long OwnerId { get; set; }
        public string Alias { get; set; } = "";
    }
}
