using Microsoft.AspNetCore.Mvc;

namespace IArms.Api.Infrastructure;

/// <summary>
/// The position of one page of a keyset-paged list, shared by every list route as <c>[AsParameters]</c>: <c>limit</c>
/// (default <see cref="Cursor.DefaultLimit"/>, capped at <see cref="Cursor.MaxLimit"/>) and the opaque <c>cursor</c>
/// of the previous page's <c>nextCursor</c>.
/// </summary>
public sealed record PageRequest(
    [property: System.ComponentModel.DataAnnotations.Range(1, Infrastructure.Cursor.MaxLimit)] [FromQuery(Name = "limit")] int? Limit = null,
    [FromQuery(Name = "cursor")] string? Cursor = null)
{
    /// <summary>
    /// Reads the page: an absent limit is the default, one above the maximum is capped, one below 1 is refused; an
    /// absent cursor starts at <paramref name="start"/>. Returns the 400 to answer, or null when both are usable.
    /// </summary>
    public ProblemHttpResult? TryRead(long start, out int take, out long position) =>
        Infrastructure.Cursor.TryPage(Limit, Cursor, start, out take, out position);

    /// <summary>As <see cref="TryRead(long, out int, out long)"/>, for a list keyed on text (a code) rather than an id.</summary>
    public ProblemHttpResult? TryRead(string start, out int take, out string position) =>
        Infrastructure.Cursor.TryPage(Limit, Cursor, start, out take, out position);
}
