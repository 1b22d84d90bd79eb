using IArms.Api.Data;
using IArms.Core.Analysis;
using Point = IArms.Api.Analysis.AnalysisIndex.ShapePoint;
using Run = IArms.Api.Analysis.AnalysisQueries.SerialRunRow;

namespace IArms.Api.Analysis;

/// <summary>
/// Keeps <c>firearm_serial_run</c> (migration 0028: the runs of all live shapes at <see cref="SerialRuns.DefaultMaxGap"/>)
/// in step as shapes come and go, inside the writer's transaction; <see cref="AnalysisIndex"/> calls it where it keeps the
/// neighbour gaps. An added shape joins the run it falls in, extends the one it touches or merges the two on either side;
/// a removed one shortens its run, or splits it when its two neighbours end up farther apart than the gap (the only case
/// that counts shapes: those of the left part, one index range). Each run written gets its bound
/// (<see cref="SerialRuns.KeptRunBound"/>) from its members' models, one more index range. A few index reads and one or
/// two writes per moved shape; custody events move no shape.
/// </summary>
internal static class SerialRunIndex
{
    private const int Gap = SerialRuns.DefaultMaxGap;

    /// <summary>
    /// The firearm's shape rows went from <paramref name="removed"/> to <paramref name="added"/>, both already written
    /// (one firearm: at most one row each). A shape that kept its place (the record changed elsewhere) moves no run.
    /// </summary>
    public static async Task ShapesMovedAsync(
        SqlSession session, AnalysisIndex.ShapeNeighbours neighbours, IReadOnlyList<AnalysisIndex.ShapeRow> removed, IReadOnlyList<AnalysisIndex.ShapeRow> added)
    {
        var gone = removed.Where(r => !added.Any(a => SamePlace(a, r))).ToList();
        var come = added.Where(a => !removed.Any(r => SamePlace(a, r))).ToList();
        // The runs are first brought to the shapes without the new rows (already in the table: left out of the reads),
        // then the new rows are added one by one.
        var pending = come.Count == 0 ? -1 : come[0].FirearmId;
        foreach (var shape in gone)
        {
            await RemovedAsync(session, neighbours, Point.Of(shape, pending));
        }
        foreach (var shape in come)
        {
            await AddedAsync(session, neighbours, Point.Of(shape));
        }
    }

    private static bool SamePlace(AnalysisIndex.ShapeRow a, AnalysisIndex.ShapeRow b) =>
        a.FirearmId == b.FirearmId && a.MakeKey == b.MakeKey && a.Skeleton == b.Skeleton && a.Number == b.Number;

    private static async Task AddedAsync(SqlSession session, AnalysisIndex.ShapeNeighbours neighbours, Point p)
    {
        var (before, after) = await neighbours.OfAsync(p);
        var linkBefore = before is not null && p.Number - before.Number <= Gap;
        var linkAfter = after is not null && after.Number - p.Number <= Gap;
        if (!linkBefore && !linkAfter)
        {
            return;
        }
        var left = linkBefore ? await RunHoldingAsync(session, before!) : null;
        if (linkBefore && linkAfter && after!.Number - before!.Number <= Gap)
        {
            // Inside a run: its two neighbours were already linked.
            await SaveAsync(session, left! with { Members = left.Members + 1 }, AnalysisQueries.UpdateRun, p.ExcludeId);
            return;
        }
        // After a link ahead the next shape starts its run, or is on its own.
        var right = linkAfter ? await RunHoldingAsync(session, after!) : null;
        var last = linkAfter ? right ?? Single(after!) : Single(p);
        var members = (linkBefore ? left?.Members ?? 1 : 0) + 1 + (linkAfter ? right?.Members ?? 1 : 0);
        if (left is not null)
        {
            await SaveAsync(session, left with { LastNumber = last.LastNumber, LastFirearmId = last.LastFirearmId, Members = members }, AnalysisQueries.UpdateRun, p.ExcludeId);
        }
        else
        {
            var first = linkBefore ? Single(before!) : Single(p);
            await SaveAsync(session, first with { LastNumber = last.LastNumber, LastFirearmId = last.LastFirearmId, Members = members }, AnalysisQueries.InsertRun, p.ExcludeId);
        }
        if (right is not null)
        {
            await session.ExecuteAsync(AnalysisQueries.DeleteRun, right);
        }
    }

    private static async Task RemovedAsync(SqlSession session, AnalysisIndex.ShapeNeighbours neighbours, Point p)
    {
        var (before, after) = await neighbours.OfAsync(p);
        var linkBefore = before is not null && p.Number - before.Number <= Gap;
        var linkAfter = after is not null && after.Number - p.Number <= Gap;
        if ((!linkBefore && !linkAfter) || await RunHoldingAsync(session, p) is not { } run)
        {
            return;
        }
        if (linkBefore && linkAfter)
        {
            if (after!.Number - before!.Number <= Gap)
            {
                await SaveAsync(session, run with { Members = run.Members - 1 }, AnalysisQueries.UpdateRun, p.ExcludeId);
                return;
            }
            // Split: the left part keeps the run's start, the right one starts at the shape after.
            var leftMembers = (int)await session.QuerySingleAsync<long>(AnalysisQueries.CountShapesBetween, new
            {
                p.MakeKey, p.Skeleton, FromNumber = run.FirstNumber, FromId = run.FirstFirearmId, ToNumber = before.Number, ToId = before.FirearmId, p.ExcludeId,
            });
            await ShortenAsync(session, run, run with { LastNumber = before.Number, LastFirearmId = before.FirearmId, Members = leftMembers }, p.ExcludeId);
            await WriteIfRunAsync(session, Single(after) with { LastNumber = run.LastNumber, LastFirearmId = run.LastFirearmId, Members = run.Members - 1 - leftMembers }, p.ExcludeId);
        }
        else if (linkBefore)
        {
            await ShortenAsync(session, run, run with { LastNumber = before!.Number, LastFirearmId = before.FirearmId, Members = run.Members - 1 }, p.ExcludeId);
        }
        else
        {
            await session.ExecuteAsync(AnalysisQueries.DeleteRun, run);
            await WriteIfRunAsync(session, Single(after!) with { LastNumber = run.LastNumber, LastFirearmId = run.LastFirearmId, Members = run.Members - 1 }, p.ExcludeId);
        }
    }

    /// <summary>The run with its start kept and a new end: updated, or deleted when one shape is left.</summary>
    private static Task ShortenAsync(SqlSession session, Run run, Run shorter, long excludeId) =>
        shorter.Members >= 2 ? SaveAsync(session, shorter, AnalysisQueries.UpdateRun, excludeId) : session.ExecuteAsync(AnalysisQueries.DeleteRun, run);

    private static Task WriteIfRunAsync(SqlSession session, Run run, long excludeId) =>
        run.Members >= 2 ? SaveAsync(session, run, AnalysisQueries.InsertRun, excludeId) : Task.CompletedTask;

    /// <summary>
    /// Writes the run (<paramref name="statement"/>: its insert or update) with its bound, from its members' numbers and
    /// models (one index range; none read beyond <see cref="SerialRuns.BoundMembersCap"/> members).
    /// </summary>
    private static async Task SaveAsync(SqlSession session, Run run, Sql statement, long excludeId)
    {
        var bound = run.Members;
        if (run.Members <= SerialRuns.BoundMembersCap)
        {
            var models = await session.QueryAsync<RunModel>(AnalysisQueries.SelectRunModels, new
            {
                run.MakeKey, run.Skeleton, run.FirstNumber, run.LastNumber, ExcludeId = excludeId,
            });
            bound = SerialRuns.KeptRunBound(models.ConvertAll(m => (m.Number, m.Model)));
        }
        await session.ExecuteAsync(statement, run with { Bound = bound });
    }

    private sealed class RunModel
    {
        public long Number { get; set; }
        public string Model { get; set; } = "";
    }

    /// <summary>The stored run holding shape <paramref name="p"/>; null when it is on its own.</summary>
    private static async Task<Run?> RunHoldingAsync(SqlSession session, Point p) =>
        await session.QuerySingleOrDefaultAsync<Run>(AnalysisQueries.SelectRunAt, p) is { } run
        && (run.LastNumber > p.Number || (run.LastNumber == p.Number && run.LastFirearmId >= p.FirearmId))
            ? run : null;

    /// <summary>A run of one shape, the start of what is built from it.</summary>
    private static Run Single(Point p) => new()
    {
        MakeKey = p.MakeKey, Skeleton = p.Skeleton, FirstNumber = p.Number, FirstFirearmId = p.FirearmId,
        LastNumber = p.Number, LastFirearmId = p.FirearmId, Members = 1,
    };
}
