using IArms.Api.Agencies;
using IArms.Api.Alerts;
using IArms.Api.Analysis;
using IArms.Api.Data;
using IArms.Core.Tracing;

namespace IArms.Api.Tracing;

/// <summary>
/// Tracing's writes that commit together: an event and its chain check; a request (or its answer, with the
/// answer's events) and the alert it raises; the overdue mark and its alert. Each runs in one transaction.
/// </summary>
public sealed class TraceRequestService(Db db, TracingQueries queries, AlertQueries alerts, TimeProvider clock)
{
    public const int SweepBatch = 500;

    private DateOnly Today() => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    public abstract record AddEventOutcome
    {
        public sealed record Added(CustodyEventResponse Event) : AddEventOutcome;
        public sealed record FirearmNotFound : AddEventOutcome;
        public sealed record Invalid(IDictionary<string, string[]> Errors) : AddEventOutcome;
    }

    /// <summary>Adds one event, with the caller's agency as its source, if Core's rules accept it against the chain.</summary>
    public async Task<AddEventOutcome> AddEventAsync(long firearmId, CustodyEventRequest request, Caller caller, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var session = await db.WriteAsync(ct);
        if (await TracingQueries.FindTraceableAsync(session, firearmId, caller) is not { } firearm)
        {
            return new AddEventOutcome.FirearmNotFound();
        }
        var e = CustodyEvents.ToCore(request, "new", caller.AgencyCode, now);
        var stored = (await TracingQueries.ChainAsync(session, firearmId)).Select(CustodyEvents.ToCore).ToList();
        if (CustodyEvents.Validate([(e, "")], stored, firearm.YearOfManufacture, DateOnly.FromDateTime(now.UtcDateTime)) is { } errors)
        {
            return new AddEventOutcome.Invalid(CustodyEvents.ToProblemErrors(errors));
        }
        var eventId = await TracingQueries.InsertEventAsync(session, firearmId, e, caller.AgencyId, null);
        await AnalysisIndex.RefreshAsync(session, firearmId, [.. stored, e with { Id = CustodyEvents.Id(eventId) }]);
        await session.CommitAsync();
        return new AddEventOutcome.Added(CustodyEvents.ToResponse(e with { Id = CustodyEvents.Id(eventId) }, firearmId, null));
    }

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

        await using var session = await db.WriteAsync(ct);
        if (await TracingQueries.FindVisibleAsync(session, request.FirearmId!.Value, caller) is not { } firearm)
        {
            return new CreateOutcome.FirearmNotFound();
        }
        if (await TracingQueries.FindAgencyAsync(session, request.ToAgency!.Trim()) is not { } to)
        {
            return new CreateOutcome.AgencyNotFound();
        }
        if (to.Id == caller.AgencyId)
        {
            return new CreateOutcome.ToSelf();
        }

        var id = await TracingQueries.InsertRequestAsync(
            session, firearm.Id, caller.AgencyId, to.Id, priority, request.Message?.Trim() ?? "", dueDate, now);
        await alerts.AddAsync(session, [new NewAlert(
            to.Id, AlertKinds.TraceRequest,
            $"{caller.AgencyCode} ({caller.CountryCode}) asks for your records on firearm {firearm.Id}: {priority} trace request {id}, due {dueDate:yyyy-MM-dd}.",
            FirearmId: firearm.Id, FromAgencyId: caller.AgencyId, TraceRequestId: id)]);
        var created = await queries.ReadRequestAsync(session, id, caller.AgencyId);
        await session.CommitAsync();
        return new CreateOutcome.Created(created!);
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
        await using var session = await db.WriteAsync(ct);
        var request = await TracingQueries.FindRequestForPartyAsync(session, id, caller.AgencyId);
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
        if (await TracingQueries.FindTraceableAsync(session, request.FirearmId, caller) is not { } firearm)
        {
            return new AnswerOutcome.FirearmWithdrawn();
        }

        var incoming = (answer.Events ?? [])
            .Select((e, i) => (Event: CustodyEvents.ToCore(e, $"new-{i}", caller.AgencyCode, now), Prefix: $"events[{i}]."))
            .ToList();
        var stored = (await TracingQueries.ChainAsync(session, firearm.Id)).Select(CustodyEvents.ToCore);
        if (CustodyEvents.Validate(incoming, stored, firearm.YearOfManufacture, Today()) is { } errors)
        {
            return new AnswerOutcome.Invalid(CustodyEvents.ToProblemErrors(errors));
        }

        foreach (var (e, _) in incoming)
        {
            await TracingQueries.InsertEventAsync(session, firearm.Id, e, caller.AgencyId, id);
        }
        if (!await TracingQueries.MarkAnsweredAsync(session, id, answer, now))
        {
            // Answered or closed by a concurrent call since we read it; nothing of ours is kept (no commit).
            return new AnswerOutcome.NotOpen(TraceVocabulary.Answered);
        }
        await AnalysisIndex.RefreshAsync(session, firearm.Id);
        var added = incoming.Count == 1 ? "1 event" : $"{incoming.Count} events";
        await alerts.AddAsync(session, [new NewAlert(
            request.FromAgencyId, AlertKinds.TraceAnswered,
            $"{caller.AgencyCode} ({caller.CountryCode}) answered trace request {id} on firearm {firearm.Id}: {answer.Outcome}" +
            (answer.ReasonCode is null ? "" : $" ({answer.ReasonCode})") + $", {added}.",
            FirearmId: firearm.Id, FromAgencyId: caller.AgencyId, TraceRequestId: id)]);
        var answered = await queries.ReadRequestAsync(session, id, caller.AgencyId);
        await session.CommitAsync();
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
        await using var session = await db.WriteAsync(ct);
        var request = await TracingQueries.FindRequestForPartyAsync(session, id, caller.AgencyId);
        if (request is null)
        {
            return new CloseOutcome.NotFound();
        }
        if (request.FromAgencyId != caller.AgencyId)
        {
            return new CloseOutcome.NotRequester();
        }
        if (!await TracingQueries.MarkClosedAsync(session, id, clock.GetUtcNow()))
        {
            return new CloseOutcome.AlreadyClosed();
        }
        var closed = await queries.ReadRequestAsync(session, id, caller.AgencyId);
        await session.CommitAsync();
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
        while (true)
        {
            var now = clock.GetUtcNow();
            List<TracingQueries.OverdueRow> due;
            await using (var reader = await db.PrimaryAsync(ct))
            {
                due = await TracingQueries.OverdueAsync(reader, DateOnly.FromDateTime(now.UtcDateTime), SweepBatch);
            }
            foreach (var r in due)
            {
                await using var session = await db.WriteAsync(ct);
                if (await TracingQueries.MarkOverdueAlertedAsync(session, r.Id, now))
                {
                    await alerts.AddAsync(session, [new NewAlert(
                        r.FromAgencyId, AlertKinds.TraceOverdue,
                        $"Trace request {r.Id} on firearm {r.FirearmId} was due on {r.DueDate:yyyy-MM-dd} and has not been answered.",
                        FirearmId: r.FirearmId, FromAgencyId: r.ToAgencyId, TraceRequestId: r.Id)]);
                    raised++;
                }
                await session.CommitAsync();
            }
            if (due.Count < SweepBatch)
            {
                return raised;
            }
        }
    }
}
