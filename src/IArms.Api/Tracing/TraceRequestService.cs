using IArms.Api.Agencies;
using IArms.Api.Alerts;
using IArms.Api.Analysis;
using IArms.Api.Audit;
using IArms.Api.Data;
using IArms.Core.Tracing;

namespace IArms.Api.Tracing;

/// <summary>
/// Tracing's writes that commit together: an event and its chain check; a request (or its answer, with the
/// answer's events) and the alerts it raises; a retraction; the overdue mark and its alert. Each runs in one
/// transaction.
/// </summary>
/// <remarks>
/// Shares and retractions are also written to the audit log, once their transaction has committed: the audit
/// writer commits on a connection of its own, and on SQLite it would wait behind our open write transaction.
/// Should that write fail, the caller sees the error, and the fact itself is still on record in its own row (the
/// trace request names who shared with whom; a retracted event keeps when, by whom and why).
/// </remarks>
public sealed class TraceRequestService(Db db, TracingQueries queries, AlertQueries alerts, AuditLog audit, TimeProvider clock)
{
    public const int SweepBatch = 500;

    private DateOnly Today() => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    public abstract record AddEventOutcome
    {
        public sealed record Added(CustodyEventResponse Event) : AddEventOutcome;
        public sealed record FirearmNotFound : AddEventOutcome;
        public sealed record NotOwner : AddEventOutcome;
        public sealed record Invalid(IDictionary<string, string[]> Errors) : AddEventOutcome;
    }

    /// <summary>
    /// Adds one event, with the caller's agency as its source, if the caller owns the record and Core's rules accept
    /// the event against the chain. Other agencies contribute theirs by answering a trace request, which the owner
    /// asked for: a chain is evidence, and only its owner writes it directly.
    /// </summary>
    public async Task<AddEventOutcome> AddEventAsync(long firearmId, CustodyEventRequest request, Caller caller, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var session = await db.WriteAsync(ct);
        if (await TracingQueries.FindTraceableAsync(session, firearmId, caller) is not { } firearm)
        {
            return new AddEventOutcome.FirearmNotFound();
        }
        if (firearm.OwnerAgencyId != caller.AgencyId)
        {
            return new AddEventOutcome.NotOwner();
        }
        var e = CustodyEvents.ToCore(request, "new", caller.AgencyCode, now);
        var stored = await TracingQueries.ChainAsync(session, firearmId);
        if (CustodyEvents.Validate([(e, "")], stored, firearm.YearOfManufacture, DateOnly.FromDateTime(now.UtcDateTime)) is { } errors)
        {
            return new AddEventOutcome.Invalid(CustodyEvents.ToProblemErrors(errors));
        }
        var eventId = await TracingQueries.InsertEventAsync(session, firearmId, e, caller.AgencyId, null);
        // The analysis sees the chain as it commits, retracted events left out.
        await AnalysisIndex.RefreshAsync(session, firearmId, [.. TracingQueries.Live(stored).Select(CustodyEvents.ToCore), e with { Id = CustodyEvents.Id(eventId) }]);
        await session.CommitAsync();
        return new AddEventOutcome.Added(CustodyEvents.ToResponse(e with { Id = CustodyEvents.Id(eventId) }, firearmId, null));
    }

    public abstract record CreateOutcome
    {
        public sealed record Created(TraceRequestResponse Request) : CreateOutcome;
        public sealed record FirearmNotFound : CreateOutcome;
        public sealed record AgencyNotFound : CreateOutcome;
        public sealed record ToSelf : CreateOutcome;
        public sealed record OutsideVisibility(string ToAgency, string ToCountry) : CreateOutcome;
    }

    /// <summary>
    /// Opens a trace request, which shares the record with its addressee. Only the owner may share beyond the
    /// record's visibility; anyone else may name only an addressee the visibility already covers. The owner is
    /// alerted when another agency shares its record; every share is audited.
    /// </summary>
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
        var byOwner = firearm.OwnerAgencyId == caller.AgencyId;
        if (!byOwner && await TracingQueries.FindVisibleAsync(session, firearm.Id, to.Id, to.CountryCode) is null)
        {
            return new CreateOutcome.OutsideVisibility(to.Code, to.CountryCode);
        }

        var id = await TracingQueries.InsertRequestAsync(
            session, firearm.Id, caller.AgencyId, to.Id, priority, request.Message?.Trim() ?? "", dueDate, now);
        await alerts.AddAsync(session, [new NewAlert(
            to.Id, AlertKinds.TraceRequest,
            $"{caller.AgencyCode} ({caller.CountryCode}) asks for your records on firearm {firearm.Id}: {priority} trace request {id}, due {dueDate:yyyy-MM-dd}.",
            FirearmId: firearm.Id, FromAgencyId: caller.AgencyId, TraceRequestId: id)]);
        if (!byOwner && to.Id != firearm.OwnerAgencyId)
        {
            // The owner decided who sees its record; it hears when another agency passes it on inside that decision
            // (a request addressed to the owner itself already reaches it as a trace-request alert).
            await alerts.AddAsync(session, [new NewAlert(
                firearm.OwnerAgencyId, AlertKinds.RecordShared,
                $"{caller.AgencyCode} ({caller.CountryCode}) shared your firearm {firearm.Id} with {to.Code} ({to.CountryCode}) by trace request {id}.",
                FirearmId: firearm.Id, FromAgencyId: caller.AgencyId, TraceRequestId: id)]);
        }
        var created = await queries.ReadRequestAsync(session, id, caller);
        await session.CommitAsync();
        await audit.WriteAsync(new AuditRecord(
            now, caller.AgencyId, caller.AuditKeyId, AuditActions.TraceRequestShared, null, null, null,
            $"firearm {firearm.Id} shared with {to.Code} ({to.CountryCode}) by trace request {id}" + (byOwner ? ", by its owner" : ""), 1)
        {
            Officer = caller.Officer,
        }, [], ct);
        return new CreateOutcome.Created(created!);
    }

    public abstract record AnswerOutcome
    {
        public sealed record Answered(TraceRequestResponse Request) : AnswerOutcome;
        public sealed record NotFound : AnswerOutcome;
        public sealed record NotAddressee : AnswerOutcome;
        public sealed record NotOpen(string Status) : AnswerOutcome;
        public sealed record FirearmNotShared(long FirearmId) : AnswerOutcome;
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
        var request = await TracingQueries.FindRequestForPartyAsync(session, id, caller);
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
        // Withdrawn, or no longer inside the visibility of a share the owner did not make: the answer is refused
        // as if the firearm did not exist (404), without saying which.
        if (await TracingQueries.FindTraceableAsync(session, request.FirearmId, caller) is not { } firearm)
        {
            return new AnswerOutcome.FirearmNotShared(request.FirearmId);
        }

        var incoming = (answer.Events ?? [])
            .Select((e, i) => (Event: CustodyEvents.ToCore(e, $"new-{i}", caller.AgencyCode, now), Prefix: $"events[{i}]."))
            .ToList();
        var stored = await TracingQueries.ChainAsync(session, firearm.Id);
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
        // A requester that is not the owner may have been narrowed out since it asked: it hears that its request was
        // answered, not which firearm nor what the answer added to a chain it may no longer read.
        var requesterSees = request.FromAgencyId == firearm.OwnerAgencyId
            || await TracingQueries.FindVisibleAsync(session, firearm.Id, request.FromAgencyId, request.FromCountry) is not null;
        await alerts.AddAsync(session, [requesterSees
            ? new NewAlert(
                request.FromAgencyId, AlertKinds.TraceAnswered,
                $"{caller.AgencyCode} ({caller.CountryCode}) answered trace request {id} on firearm {firearm.Id}: {answer.Outcome}" +
                (answer.ReasonCode is null ? "" : $" ({answer.ReasonCode})") + $", {added}.",
                FirearmId: firearm.Id, FromAgencyId: caller.AgencyId, TraceRequestId: id)
            : new NewAlert(
                request.FromAgencyId, AlertKinds.TraceAnswered,
                $"{caller.AgencyCode} ({caller.CountryCode}) answered trace request {id}; the firearm is no longer visible to your agency.",
                FromAgencyId: caller.AgencyId, TraceRequestId: id)]);
        var answered = await queries.ReadRequestAsync(session, id, caller);
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
        var request = await TracingQueries.FindRequestForPartyAsync(session, id, caller);
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
        var closed = await queries.ReadRequestAsync(session, id, caller);
        await session.CommitAsync();
        return new CloseOutcome.Closed(closed!);
    }

    public abstract record RetractOutcome
    {
        public sealed record Retracted(CustodyEventResponse Event) : RetractOutcome;
        public sealed record NotFound : RetractOutcome;
        public sealed record NotSource(string Source) : RetractOutcome;
        public sealed record AlreadyRetracted : RetractOutcome;
    }

    /// <summary>
    /// The event's source withdraws it: the event is kept and marked (when, by whom, why), audited, and left out of
    /// the chain's analysis from then on.
    /// </summary>
    public async Task<RetractOutcome> RetractAsync(long firearmId, long eventId, string reason, Caller caller, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var session = await db.WriteAsync(ct);
        if (await TracingQueries.FindTraceableAsync(session, firearmId, caller) is null
            || await TracingQueries.FindEventAsync(session, firearmId, eventId) is not { } found)
        {
            return new RetractOutcome.NotFound();
        }
        if (found.SourceAgencyId != caller.AgencyId)
        {
            return new RetractOutcome.NotSource(found.Source);
        }
        if (!await TracingQueries.RetractEventAsync(session, firearmId, eventId, caller.AgencyId, reason.Trim(), now))
        {
            return new RetractOutcome.AlreadyRetracted();
        }
        var retracted = await TracingQueries.FindEventAsync(session, firearmId, eventId);
        await AnalysisIndex.RefreshAsync(session, firearmId);
        await session.CommitAsync();
        await audit.WriteAsync(new AuditRecord(
            now, caller.AgencyId, caller.AuditKeyId, AuditActions.CustodyEventRetracted, null, null, null,
            $"custody event {eventId} of firearm {firearmId} retracted: {reason.Trim()}", 1)
        {
            Officer = caller.Officer,
        }, [], ct);
        return new RetractOutcome.Retracted(CustodyEvents.ToResponse(retracted!));
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
