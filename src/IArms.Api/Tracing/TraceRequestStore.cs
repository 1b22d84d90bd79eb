using System.Data.Common;
using Dapper;
using IArms.Api.Agencies;
using IArms.Api.Alerts;
using IArms.Api.Data;
using IArms.Api.Infrastructure;
using IArms.Core.Tracing;

namespace IArms.Api.Tracing;

/// <summary>
/// Trace requests between agencies: asking, answering (whose events join the firearm's chain), closing,
/// the overdue sweep and the per-country statistics. Every change and the alert it raises commit together.
/// </summary>
public sealed class TraceRequestStore(Db db, TimeProvider clock, CustodyEventStore events, AlertStore alerts)
{
    private static readonly SqlText SelectAgency = SqlText.Same(
        "SELECT id AS Id, code AS Code, country_code AS CountryCode FROM agency WHERE code = @code");

    private const string InsertColumns = "(firearm_id, from_agency_id, to_agency_id, priority, message, due_date, status, created_at)";
    private const string InsertValues = "(@firearmId, @fromAgencyId, @toAgencyId, @priority, @message, @dueDate, 'open', @now)";

    private static readonly SqlText Insert = new(
        $"INSERT INTO trace_request {InsertColumns} VALUES {InsertValues} RETURNING id",
        $"INSERT INTO trace_request {InsertColumns} OUTPUT INSERTED.id VALUES {InsertValues}");

    private const string Columns = """
        tr.id AS Id, tr.firearm_id AS FirearmId, tr.from_agency_id AS FromAgencyId, fa.code AS FromAgency,
        fa.country_code AS FromCountry, tr.to_agency_id AS ToAgencyId, ta.code AS ToAgency, ta.country_code AS ToCountry,
        tr.priority AS Priority, tr.message AS Message, tr.due_date AS DueDate, tr.status AS Status,
        tr.created_at AS CreatedAt, tr.answered_at AS AnsweredAt, tr.outcome AS Outcome, tr.reason_code AS ReasonCode,
        tr.answer_notes AS AnswerNotes, tr.closed_at AS ClosedAt,
        oa.code AS OwnerAgency, f.serial_number AS SerialNumber, f.make AS Make, f.model AS Model, f.calibre AS Calibre,
        f.type AS Type, f.country_of_manufacture AS CountryOfManufacture, f.year_of_manufacture AS YearOfManufacture,
        f.obliterated_serial AS ObliteratedSerial
        FROM trace_request tr
        JOIN agency fa ON fa.id = tr.from_agency_id
        JOIN agency ta ON ta.id = tr.to_agency_id
        JOIN firearm f ON f.id = tr.firearm_id
        JOIN agency oa ON oa.id = f.owner_agency_id
        """;

    // Only the two parties see a request; anyone else is told it does not exist.
    private static readonly SqlText SelectForParty = SqlText.Same(
        $"SELECT {Columns} WHERE tr.id = @id AND (tr.from_agency_id = @agencyId OR tr.to_agency_id = @agencyId)");

    // "open" and "overdue" are what the client is shown: an open request past its due date shows as overdue.
    private const string ListFilter = """
         WHERE tr.id < @beforeId
          AND ((@incoming = 1 AND tr.to_agency_id = @agencyId) OR (@outgoing = 1 AND tr.from_agency_id = @agencyId))
          AND (@status IS NULL
               OR (@status = 'open' AND tr.status = 'open' AND tr.due_date >= @today)
               OR (@status = 'overdue' AND tr.status = 'open' AND tr.due_date < @today)
               OR (@status IN ('answered', 'closed') AND tr.status = @status))
        """;

    private static readonly SqlText SelectPage = new(
        $"SELECT {Columns} {ListFilter} ORDER BY tr.id DESC LIMIT @take",
        $"SELECT TOP (@take) {Columns} {ListFilter} ORDER BY tr.id DESC OPTION (RECOMPILE)");

    private static readonly SqlText MarkAnswered = SqlText.Same("""
        UPDATE trace_request
        SET status = 'answered', answered_at = @now, outcome = @outcome, reason_code = @reasonCode, answer_notes = @notes
        WHERE id = @id AND status = 'open'
        """);

    private static readonly SqlText MarkClosed = SqlText.Same(
        "UPDATE trace_request SET status = 'closed', closed_at = @now WHERE id = @id AND status <> 'closed'");

    private static readonly SqlText SelectOverdue = new(
        """
        SELECT id AS Id, firearm_id AS FirearmId, from_agency_id AS FromAgencyId, to_agency_id AS ToAgencyId, due_date AS DueDate
        FROM trace_request
        WHERE status = 'open' AND overdue_alerted_at IS NULL AND due_date < @today
        ORDER BY id LIMIT @take
        """,
        """
        SELECT TOP (@take) id AS Id, firearm_id AS FirearmId, from_agency_id AS FromAgencyId, to_agency_id AS ToAgencyId, due_date AS DueDate
        FROM trace_request
        WHERE status = 'open' AND overdue_alerted_at IS NULL AND due_date < @today
        ORDER BY id
        """);

    private static readonly SqlText MarkOverdueAlerted = SqlText.Same(
        "UPDATE trace_request SET overdue_alerted_at = @now WHERE id = @id AND status = 'open' AND overdue_alerted_at IS NULL");

    private static readonly SqlText SelectForStats = SqlText.Same("""
        SELECT ta.country_code AS CountryCode, tr.status AS Status, tr.due_date AS DueDate,
               tr.created_at AS CreatedAt, tr.answered_at AS AnsweredAt
        FROM trace_request tr JOIN agency ta ON ta.id = tr.to_agency_id
        """);

    public const int SweepBatch = 500;

    private DateOnly Today() => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    public abstract record CreateOutcome
    {
        public sealed record Created(TraceRequestResponse Request) : CreateOutcome;
        public sealed record FirearmNotFound : CreateOutcome;
        public sealed record AgencyNotFound : CreateOutcome;
        public sealed record ToSelf : CreateOutcome;
    }

    public async Task<CreateOutcome> CreateAsync(CreateTraceRequest request, Caller caller, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var priority = request.Priority ?? TraceVocabulary.Routine;
        var dueDate = request.DueDate ?? DateOnly.FromDateTime(now.UtcDateTime).AddDays(TraceVocabulary.DefaultDays(priority));

        await using var connection = await db.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var firearm = await events.FindVisibleAsync(connection, tx, request.FirearmId!.Value, caller, ct);
        if (firearm is null)
        {
            return new CreateOutcome.FirearmNotFound();
        }
        var to = await connection.QuerySingleOrDefaultAsync<AgencyRow>(new CommandDefinition(
            db.Sql(SelectAgency), new { code = request.ToAgency!.Trim() }, tx, cancellationToken: ct));
        if (to is null)
        {
            return new CreateOutcome.AgencyNotFound();
        }
        if (to.Id == caller.AgencyId)
        {
            return new CreateOutcome.ToSelf();
        }

        var id = await connection.QuerySingleAsync<long>(new CommandDefinition(db.Sql(Insert), new
        {
            firearmId = firearm.Id,
            fromAgencyId = caller.AgencyId,
            toAgencyId = to.Id,
            priority,
            message = request.Message?.Trim() ?? "",
            dueDate,
            now,
        }, tx, cancellationToken: ct));
        await alerts.AddAsync(connection, tx, [new NewAlert(
            to.Id, AlertKinds.TraceRequest,
            $"{caller.AgencyCode} ({caller.CountryCode}) asks for your records on firearm {firearm.Id}: {priority} trace request {id}, due {dueDate:yyyy-MM-dd}.",
            FirearmId: firearm.Id, FromAgencyId: caller.AgencyId, TraceRequestId: id)], ct);
        var created = await ReadAsync(connection, tx, id, caller.AgencyId, ct);
        await tx.CommitAsync(ct);
        return new CreateOutcome.Created(created!);
    }

    /// <summary>The request if the caller's agency asked or was asked; null otherwise.</summary>
    public async Task<TraceRequestResponse?> GetAsync(long id, Caller caller, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await ReadAsync(connection, null, id, caller.AgencyId, ct);
    }

    public async Task<TraceRequestPage> ListAsync(Caller caller, string? direction, string? status, long beforeId, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = (await connection.QueryAsync<TraceRequestRow>(new CommandDefinition(db.Sql(SelectPage), new
        {
            agencyId = caller.AgencyId,
            beforeId,
            incoming = direction is null or TraceVocabulary.Incoming ? 1 : 0,
            outgoing = direction is null or TraceVocabulary.Outgoing ? 1 : 0,
            status,
            today = Today(),
            take = limit + 1,
        }, cancellationToken: ct))).AsList();
        var hasMore = rows.Count > limit;
        var page = rows.Take(limit).ToList();
        var items = await ToResponsesAsync(connection, null, page, ct);
        return new TraceRequestPage(items, hasMore ? Cursor.Encode(page[^1].Id) : null);
    }

    public abstract record AnswerOutcome
    {
        public sealed record Answered(TraceRequestResponse Request) : AnswerOutcome;
        public sealed record NotFound : AnswerOutcome;
        public sealed record NotAddressee : AnswerOutcome;
        public sealed record NotOpen(string Status) : AnswerOutcome;
        public sealed record FirearmWithdrawn : AnswerOutcome;
        public sealed record Invalid(IDictionary<string, string[]> Errors) : AnswerOutcome;
    }

    /// <summary>
    /// Records the addressee's answer: its events join the chain with the answering agency as source, the request
    /// becomes answered and the requester is alerted, all in one transaction.
    /// </summary>
    public async Task<AnswerOutcome> AnswerAsync(long id, TraceAnswerRequest answer, Caller caller, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var request = await connection.QuerySingleOrDefaultAsync<TraceRequestRow>(new CommandDefinition(
            db.Sql(SelectForParty), new { id, agencyId = caller.AgencyId }, tx, cancellationToken: ct));
        if (request is null)
        {
            return new AnswerOutcome.NotFound();
        }
        if (request.ToAgencyId != caller.AgencyId)
        {
            return new AnswerOutcome.NotAddressee();
        }
        if (request.Status != TraceVocabulary.Open)
        {
            return new AnswerOutcome.NotOpen(request.Status);
        }
        var firearm = await events.FindTraceableAsync(connection, tx, request.FirearmId, caller, ct);
        if (firearm is null)
        {
            return new AnswerOutcome.FirearmWithdrawn();
        }

        var incoming = (answer.Events ?? [])
            .Select((e, i) => (Event: CustodyEvents.ToCore(e, $"new-{i}", caller.AgencyCode, now), Prefix: $"events[{i}]."))
            .ToList();
        var stored = (await events.ChainAsync(connection, tx, firearm.Id, ct)).Select(CustodyEvents.ToCore);
        if (CustodyEventStore.Validate(incoming, stored, firearm.YearOfManufacture, Today()) is { } errors)
        {
            return new AnswerOutcome.Invalid(CustodyEvents.ToProblemErrors(errors));
        }

        foreach (var (e, _) in incoming)
        {
            await events.InsertAsync(connection, tx, firearm.Id, e, caller.AgencyId, id, ct);
        }
        var changed = await connection.ExecuteAsync(new CommandDefinition(db.Sql(MarkAnswered), new
        {
            id,
            now,
            outcome = answer.Outcome,
            reasonCode = answer.ReasonCode,
            notes = answer.Notes?.Trim() ?? "",
        }, tx, cancellationToken: ct));
        if (changed == 0)
        {
            // Answered or closed by a concurrent call since we read it; nothing of ours is kept.
            await tx.RollbackAsync(ct);
            return new AnswerOutcome.NotOpen(TraceVocabulary.Answered);
        }
        var added = incoming.Count == 1 ? "1 event" : $"{incoming.Count} events";
        await alerts.AddAsync(connection, tx, [new NewAlert(
            request.FromAgencyId, AlertKinds.TraceAnswered,
            $"{caller.AgencyCode} ({caller.CountryCode}) answered trace request {id} on firearm {firearm.Id}: {answer.Outcome}" +
            (answer.ReasonCode is null ? "" : $" ({answer.ReasonCode})") + $", {added}.",
            FirearmId: firearm.Id, FromAgencyId: caller.AgencyId, TraceRequestId: id)], ct);
        var answered = await ReadAsync(connection, tx, id, caller.AgencyId, ct);
        await tx.CommitAsync(ct);
        return new AnswerOutcome.Answered(answered!);
    }

    public abstract record CloseOutcome
    {
        public sealed record Closed(TraceRequestResponse Request) : CloseOutcome;
        public sealed record NotFound : CloseOutcome;
        public sealed record NotRequester : CloseOutcome;
        public sealed record AlreadyClosed : CloseOutcome;
    }

    /// <summary>The requester ends the conversation; the addressee no longer reads the firearm through it.</summary>
    public async Task<CloseOutcome> CloseAsync(long id, Caller caller, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var request = await connection.QuerySingleOrDefaultAsync<TraceRequestRow>(new CommandDefinition(
            db.Sql(SelectForParty), new { id, agencyId = caller.AgencyId }, tx, cancellationToken: ct));
        if (request is null)
        {
            return new CloseOutcome.NotFound();
        }
        if (request.FromAgencyId != caller.AgencyId)
        {
            return new CloseOutcome.NotRequester();
        }
        var changed = await connection.ExecuteAsync(new CommandDefinition(
            db.Sql(MarkClosed), new { id, now = clock.GetUtcNow() }, tx, cancellationToken: ct));
        if (changed == 0)
        {
            return new CloseOutcome.AlreadyClosed();
        }
        var closed = await ReadAsync(connection, tx, id, caller.AgencyId, ct);
        await tx.CommitAsync(ct);
        return new CloseOutcome.Closed(closed!);
    }

    /// <summary>
    /// Raises one <c>trace-overdue</c> alert to the requester of each open request past its due date. Each
    /// request is marked and alerted in one transaction, so a sweep that runs twice (or on two instances)
    /// alerts once. Returns the number of alerts raised.
    /// </summary>
    public async Task<int> SweepOverdueAsync(CancellationToken ct)
    {
        var raised = 0;
        await using var connection = await db.OpenAsync(ct);
        while (true)
        {
            var now = clock.GetUtcNow();
            var due = (await connection.QueryAsync<OverdueRow>(new CommandDefinition(
                db.Sql(SelectOverdue), new { today = DateOnly.FromDateTime(now.UtcDateTime), take = SweepBatch }, cancellationToken: ct))).AsList();
            foreach (var r in due)
            {
                await using var tx = await connection.BeginTransactionAsync(ct);
                var changed = await connection.ExecuteAsync(new CommandDefinition(
                    db.Sql(MarkOverdueAlerted), new { id = r.Id, now }, tx, cancellationToken: ct));
                if (changed == 1)
                {
                    await alerts.AddAsync(connection, tx, [new NewAlert(
                        r.FromAgencyId, AlertKinds.TraceOverdue,
                        $"Trace request {r.Id} on firearm {r.FirearmId} was due on {r.DueDate:yyyy-MM-dd} and has not been answered.",
                        FirearmId: r.FirearmId, FromAgencyId: r.ToAgencyId, TraceRequestId: r.Id)], ct);
                    raised++;
                }
                await tx.CommitAsync(ct);
            }
            if (due.Count < SweepBatch)
            {
                return raised;
            }
        }
    }

    /// <summary>Per addressee country: requests received, answered, median days to answer and overdue now.</summary>
    public async Task<IReadOnlyList<TraceCountryStats>> StatsAsync(CancellationToken ct)
    {
        var today = Today();
        await using var connection = await db.OpenReadOnlyAsync(ct);
        var rows = await connection.QueryAsync<StatsRow>(new CommandDefinition(db.Sql(SelectForStats), cancellationToken: ct));
        return rows
            .GroupBy(r => r.CountryCode, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var days = g.Where(r => r.AnsweredAt is not null)
                    .Select(r => (r.AnsweredAt!.Value - r.CreatedAt).TotalDays)
                    .Order()
                    .ToList();
                return new TraceCountryStats(
                    g.Key,
                    g.Count(),
                    days.Count,
                    Median(days),
                    g.Count(r => r.Status == TraceVocabulary.Open && r.DueDate < today));
            })
            .ToList();
    }

    private static double? Median(IReadOnlyList<double> sorted)
    {
        if (sorted.Count == 0)
        {
            return null;
        }
        var middle = sorted.Count / 2;
        var median = sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        return Math.Round(median, 1, MidpointRounding.AwayFromZero);
    }

    private async Task<TraceRequestResponse?> ReadAsync(DbConnection connection, DbTransaction? tx, long id, long agencyId, CancellationToken ct)
    {
        var row = await connection.QuerySingleOrDefaultAsync<TraceRequestRow>(new CommandDefinition(
            db.Sql(SelectForParty), new { id, agencyId }, tx, cancellationToken: ct));
        return row is null ? null : (await ToResponsesAsync(connection, tx, [row], ct))[0];
    }

    private async Task<IReadOnlyList<TraceRequestResponse>> ToResponsesAsync(
        DbConnection connection, DbTransaction? tx, IReadOnlyList<TraceRequestRow> rows, CancellationToken ct)
    {
        var answered = rows.Where(r => r.AnsweredAt is not null).Select(r => r.Id).ToArray();
        var answerEvents = (answered.Length == 0
                ? []
                : await events.ByRequestsAsync(connection, tx, answered, ct))
            .ToLookup(e => e.TraceRequestId!.Value);
        var today = Today();
        return rows.Select(r =>
        {
            var overdue = r.Status == TraceVocabulary.Open && r.DueDate < today;
            var answer = r.AnsweredAt is null
                ? null
                : new TraceAnswer(r.Outcome ?? "", r.ReasonCode, r.AnswerNotes ?? "",
                    answerEvents[r.Id].Select(e => CustodyEvents.ToResponse(CustodyEvents.ToCore(e), e.FirearmId, e.TraceRequestId)).ToList(),
                    r.AnsweredAt.Value);
            return new TraceRequestResponse(
                r.Id, r.FirearmId,
                new TraceFirearm(r.FirearmId, r.OwnerAgency, r.SerialNumber, r.Make, r.Model, r.Calibre, r.Type,
                    r.CountryOfManufacture, r.YearOfManufacture, r.ObliteratedSerial),
                r.FromAgency, r.FromCountry, r.ToAgency, r.ToCountry, r.Priority, r.Message, r.DueDate,
                overdue ? TraceVocabulary.Overdue : r.Status, overdue, r.CreatedAt, r.ClosedAt, answer);
        }).ToList();
    }

    private sealed class AgencyRow
    {
        public long Id { get; set; }
        public string Code { get; set; } = "";
        public string CountryCode { get; set; } = "";
    }

    private sealed class TraceRequestRow
    {
        public long Id { get; set; }
        public long FirearmId { get; set; }
        public long FromAgencyId { get; set; }
        public string FromAgency { get; set; } = "";
        public string FromCountry { get; set; } = "";
        public long ToAgencyId { get; set; }
        public string ToAgency { get; set; } = "";
        public string ToCountry { get; set; } = "";
        public string Priority { get; set; } = "";
        public string Message { get; set; } = "";
        public DateOnly DueDate { get; set; }
        public string Status { get; set; } = "";
        public DateTimeOffset CreatedAt { get; set; }
        public DateTimeOffset? AnsweredAt { get; set; }
        public string? Outcome { get; set; }
        public string? ReasonCode { get; set; }
        public string? AnswerNotes { get; set; }
        public DateTimeOffset? ClosedAt { get; set; }
        public string OwnerAgency { get; set; } = "";
        public string SerialNumber { get; set; } = "";
        public string Make { get; set; } = "";
        public string Model { get; set; } = "";
        public string Calibre { get; set; } = "";
        public string Type { get; set; } = "";
        public string? CountryOfManufacture { get; set; }
        public int? YearOfManufacture { get; set; }
        public bool ObliteratedSerial { get; set; }
    }

    private sealed class OverdueRow
    {
        public long Id { get; set; }
        public long FirearmId { get; set; }
        public long FromAgencyId { get; set; }
        public long ToAgencyId { get; set; }
        public DateOnly DueDate { get; set; }
    }

    private sealed class StatsRow
    {
        public string CountryCode { get; set; } = "";
        public string Status { get; set; } = "";
        public DateOnly DueDate { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
        public DateTimeOffset? AnsweredAt { get; set; }
    }
}
