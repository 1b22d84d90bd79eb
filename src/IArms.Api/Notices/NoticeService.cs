using IArms.Api.Agencies;
using IArms.Api.Alerts;
using IArms.Api.Data;
using IArms.Api.Firearms;
using IArms.Core.Analysis;

namespace IArms.Api.Notices;

/// <summary>Notices: sent by one agency to the agencies of many countries, acknowledged by each, withdrawn by the sender.</summary>
public sealed class NoticeService(Db db, AlertQueries alerts, NoticeIndex index, IFirearmCanonicalizer canonicalizer, TimeProvider clock)
{
    public abstract record CreateOutcome
    {
        public sealed record Created(NoticeResponse Notice) : CreateOutcome;
        public sealed record FirearmsNotFound(IReadOnlyList<long> Ids) : CreateOutcome;
        public sealed record Invalid(string Field, string Message) : CreateOutcome;
    }

    public async Task<CreateOutcome> CreateAsync(CreateNoticeRequest request, Caller caller, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (request.ExpiresAt is { } expires && expires <= now)
        {
            return new CreateOutcome.Invalid("expiresAt", "'expiresAt' must lie in the future.");
        }
        var all = request.Countries is [NoticeStatuses.AllCountries];
        var countries = all ? [] : request.Countries!.ToList();
        string? runMake = null;
        SerialShape? first = null, last = null;
        if (request.SerialRun is { } run)
        {
            runMake = canonicalizer.CanonicalMake(run.Make);
            if (runMake is null)
            {
                return new CreateOutcome.Invalid("serialRun.make", $"'{run.Make}' is not a make of the reference table (GET /api/v1/reference/makes); a serial run is matched on the canonical make.");
            }
            first = SerialShape.Of(run.FirstSerial);
            last = SerialShape.Of(run.LastSerial);
        }

        await using var session = await db.WriteAsync(ct);
        var named = request.FirearmIds ?? [];
        if (named.Count > 0)
        {
            // The one visibility rule: a record the sender may not see cannot be named (and is reported as not found).
            var visible = (await FirearmQueries.LoadVisibleAsync(session, named, caller)).Select(f => f.Id).ToHashSet();
            if (named.Where(id => !visible.Contains(id)).ToList() is [_, ..] missing)
            {
                return new CreateOutcome.FirearmsNotFound(missing);
            }
        }
        if (!all)
        {
            var served = (await NoticeQueries.CountriesWithAgenciesAsync(session, countries)).ToHashSet(StringComparer.Ordinal);
            if (countries.FirstOrDefault(c => !served.Contains(c)) is { } unserved)
            {
                return new CreateOutcome.Invalid("countries", $"No agency of country '{unserved}' is registered (GET /api/v1/agencies), so nobody would receive the notice there.");
            }
        }
        var id = await NoticeQueries.InsertAsync(session, new NoticeQueries.NoticeRow(
            caller.AgencyId, request.Kind!, request.Title!.Trim(), request.Summary!.Trim(), all ? 1 : 0, runMake,
            request.SerialRun?.FirstSerial?.Trim(), request.SerialRun?.LastSerial?.Trim(), first?.Skeleton, first?.Number, last?.Number,
            now, request.ExpiresAt));
        var addressees = await NoticeQueries.AddresseesAsync(session, caller.AgencyId, all, countries);
        await NoticeQueries.AddTargetsAsync(session, id, countries, named, addressees);
        // The alert's message stays short (1,000 characters on SQL Server): a long list of countries is counted, not listed.
        var scope = all ? "every member country" : countries.Count <= 10 ? string.Join(", ", countries) : $"{countries.Count} countries";
        await alerts.AddAsync(session, addressees.Select(agencyId => new NewAlert(
            agencyId, AlertKinds.Notice,
            $"{caller.AgencyCode} ({caller.CountryCode}) issued a {request.Kind} notice to {scope}: \"{request.Title!.Trim()}\". Read it with GET /api/v1/notices/{id} and acknowledge it.",
            FromAgencyId: caller.AgencyId, NoticeId: id)));
        var created = (await ReadAsync(session, caller, id))!;
        await session.CommitAsync();
        index.Invalidate();
        return new CreateOutcome.Created(created);
    }

    public async Task<NoticePage> ListAsync(Caller caller, string? direction, string? status, long beforeId, int take, CancellationToken ct)
    {
        await using var session = await db.PrimaryAsync(ct);
        var rows = await NoticeQueries.PageAsync(session, caller.AgencyId, direction != NoticeStatuses.Outgoing, direction != NoticeStatuses.Incoming,
            status, clock.GetUtcNow(), beforeId, take + 1);
        var items = await ToResponsesAsync(session, caller, rows.Take(take).ToList(), withRecipients: false);
        return new NoticePage(items, rows.Count > take ? Infrastructure.Cursor.Encode(items[^1].Id) : null);
    }

    /// <summary>The notice, to its sender (with its recipients' acknowledgements) or an addressed agency; null to anyone else.</summary>
    public async Task<NoticeResponse?> GetAsync(Caller caller, long id, CancellationToken ct)
    {
        await using var session = await db.PrimaryAsync(ct);
        return await ReadAsync(session, caller, id);
    }

    public enum ChangeOutcome { Done, NotFound, NotSender, NotRecipient }

    public async Task<(ChangeOutcome Outcome, NoticeResponse? Notice)> AcknowledgeAsync(Caller caller, long id, CancellationToken ct)
    {
        await using var session = await db.WriteAsync(ct);
        var row = await NoticeQueries.OneAsync(session, caller.AgencyId, id);
        if (row is null)
        {
            return (ChangeOutcome.NotFound, null);
        }
        if (!row.IsRecipient)
        {
            return (ChangeOutcome.NotRecipient, null);
        }
        // Acknowledging twice is harmless: the first time stands.
        await NoticeQueries.AcknowledgeAsync(session, caller.AgencyId, id, clock.GetUtcNow());
        var notice = await ReadAsync(session, caller, id);
        await session.CommitAsync();
        return (ChangeOutcome.Done, notice);
    }

    public async Task<(ChangeOutcome Outcome, NoticeResponse? Notice)> WithdrawAsync(Caller caller, long id, CancellationToken ct)
    {
        await using var session = await db.WriteAsync(ct);
        var row = await NoticeQueries.OneAsync(session, caller.AgencyId, id);
        if (row is null)
        {
            return (ChangeOutcome.NotFound, null);
        }
        if (row.AgencyId != caller.AgencyId)
        {
            return (ChangeOutcome.NotSender, null);
        }
        // Withdrawing twice is harmless: the first time stands.
        await NoticeQueries.WithdrawAsync(session, caller.AgencyId, id, clock.GetUtcNow());
        var notice = await ReadAsync(session, caller, id);
        await session.CommitAsync();
        index.Invalidate();
        return (ChangeOutcome.Done, notice);
    }

    private async Task<NoticeResponse?> ReadAsync(SqlSession session, Caller caller, long id)
    {
        var row = await NoticeQueries.OneAsync(session, caller.AgencyId, id);
        return row is null ? null : (await ToResponsesAsync(session, caller, [row], withRecipients: row.AgencyId == caller.AgencyId))[0];
    }

    private async Task<IReadOnlyList<NoticeResponse>> ToResponsesAsync(
        SqlSession session, Caller caller, IReadOnlyList<NoticeQueries.NoticeRead> rows, bool withRecipients)
    {
        if (rows.Count == 0)
        {
            return [];
        }
        var ids = rows.Select(r => r.Id).ToList();
        var countries = (await NoticeQueries.CountriesAsync(session, ids)).ToLookup(c => c.NoticeId, c => c.CountryCode);
        var firearms = (await NoticeQueries.FirearmsAsync(session, ids, caller.AgencyId, caller.CountryCode)).ToLookup(f => f.NoticeId, f => f.FirearmId);
        var now = clock.GetUtcNow();
        var result = new List<NoticeResponse>(rows.Count);
        foreach (var r in rows)
        {
            var recipients = withRecipients
                ? (await NoticeQueries.RecipientsAsync(session, r.Id)).Select(x => new NoticeRecipientResponse(x.Agency, x.CountryCode, x.AcknowledgedAt)).ToList()
                : null;
            var status = r.WithdrawnAt is not null ? NoticeStatuses.Withdrawn
                : r.ExpiresAt is { } e && e <= now ? NoticeStatuses.Expired
                : NoticeStatuses.Active;
            result.Add(new NoticeResponse(
                r.Id, r.Kind, r.Title, r.Summary, r.IssuingAgency, r.IssuingCountry, [.. firearms[r.Id]],
                r.RunMake is null ? null : new SerialRunBody(r.RunMake, r.RunFirst, r.RunLast),
                r.AllCountries ? [NoticeStatuses.AllCountries] : [.. countries[r.Id]],
                status, r.CreatedAt, r.ExpiresAt, r.WithdrawnAt, r.IsRecipient ? r.AcknowledgedAt : null, recipients));
        }
        return result;
    }
}
