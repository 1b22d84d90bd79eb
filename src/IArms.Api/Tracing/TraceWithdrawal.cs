using Dapper;
using IArms.Api.Data;
using IArms.Api.Firearms;

namespace IArms.Api.Tracing;

/// <summary>
/// When its owner withdraws a record, the open trace requests about it are closed in the same
/// transaction: they can no longer be answered, must not fall overdue, and must not keep sharing it.
/// </summary>
public sealed class TraceWithdrawal(Db db) : IFirearmChangeListener
{
    public Task OnChangedAsync(FirearmChange change, CancellationToken ct) =>
        change.Kind != FirearmChangeKind.Withdrawn
            ? Task.CompletedTask
            : change.Connection.ExecuteAsync(new CommandDefinition(TracingQueries.CloseRequestsOfFirearm.For(db.Dialect),
                new { firearmId = change.FirearmId, now = change.At }, change.Transaction, cancellationToken: ct));
}
