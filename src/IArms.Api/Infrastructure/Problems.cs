namespace IArms.Api.Infrastructure;

/// <summary>
/// <c>application/problem+json</c> answers for the outcomes handlers decide themselves (validation
/// has its own filter). Routes declare them with <c>ProducesProblem</c> so they appear in OpenAPI.
/// </summary>
public static class Problems
{
    /// <summary>
    /// The longest text a problem carries in <c>title</c>, <c>detail</c>, <c>instance</c> or one of its <c>errors</c>: a message
    /// may quote what the client sent, and a 1 MB value is not echoed back (the contract states this bound).
    /// </summary>
    public const int MaxTextLength = 2000;

    /// <summary>
    /// Applied to every problem the service writes (AddProblemDetails' customization): <c>instance</c> names the path the
    /// problem is about, and no text is longer than <see cref="MaxTextLength"/>.
    /// </summary>
    public static void Complete(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        problem.Instance ??= context.HttpContext.Request.Path.Value;
        if (problem.Status is { } status && Statuses.TryGetValue(status, out var known))
        {
            // One title per status, so that a client can switch on it; a more particular one becomes the detail.
            if (problem.Title is { } particular && particular != known.Title)
            {
                problem.Detail ??= particular;
            }
            problem.Title = known.Title;
        }
        if (problem.Status is { } code && Types.TryGetValue(code, out var type))
        {
            problem.Type ??= type;
        }
        problem.Title = Bound(problem.Title);
        problem.Detail = Bound(problem.Detail);
        problem.Instance = Bound(problem.Instance);
        if (problem is HttpValidationProblemDetails validation)
        {
            foreach (var (field, messages) in validation.Errors)
            {
                validation.Errors[field] = messages.Select(m => Bound(m)!).ToArray();
            }
        }
    }

    /// <summary>
    /// Each status the service answers with a problem: its one title, and what it means to a client (the contract's
    /// response description).
    /// </summary>
    public static readonly IReadOnlyDictionary<int, (string Title, string Meaning)> Statuses = new Dictionary<int, (string, string)>
    {
        [400] = ("The request is not valid.", "The request is not valid: `errors` names each field with what is wrong."),
        [401] = ("Authentication required.", "No API key, or one that is unknown or revoked (send it in `X-Api-Key`)."),
        [403] = ("Forbidden.", "The key lacks the role this operation needs, or the resource belongs to another agency."),
        [404] = ("Not found.", "Nothing with this identifier is visible to the caller."),
        [409] = ("Conflict.", "The request conflicts with the resource's current state."),
        [412] = ("Precondition failed.", "`If-Match` no longer names the current version: read it again and reapply the change."),
        [413] = ("The request body is too large.", "The request body is larger than the service accepts."),
        [415] = ("Unsupported media type.", "The body is not in a media type this operation reads."),
        [422] = ("The request cannot be applied.", "The request is well formed but cannot be applied as it stands."),
        [428] = ("Precondition required.", "`If-Match` is required, so that a concurrent change is not overwritten."),
        [429] = ("Too many requests.", "Too many requests (or failed authentications) from this key or address: wait `Retry-After` seconds."),
        [500] = ("An unexpected error occurred.", "An unexpected error; nothing was changed by the failed step."),
        [503] = ("The service is unavailable.", "The service cannot complete the request now (database busy, audit log unavailable): retry after `Retry-After` seconds."),
    };

    /// <summary>The <c>type</c> of the statuses ASP.NET Core's defaults leave without one.</summary>
    private static readonly Dictionary<int, string> Types = new()
    {
        [413] = "https://tools.ietf.org/html/rfc9110#section-15.5.14",
        [428] = "https://tools.ietf.org/html/rfc6585#section-3",
        [429] = "https://tools.ietf.org/html/rfc6585#section-4",
    };

    private static string? Bound(string? text) => text is { Length: > MaxTextLength } ? text[..(MaxTextLength - 1)] + "…" : text;

    public static ProblemHttpResult NotFound(string detail) => TypedResults.Problem(detail, statusCode: 404, title: "Not found.");

    public static ProblemHttpResult Conflict(string detail) => TypedResults.Problem(detail, statusCode: 409, title: "Conflict.");

    public static ProblemHttpResult BadRequest(string field, string message) =>
        TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
        {
            Status = 400,
            Title = "The request is not valid.",
            Detail = message,
        });

    public static ProblemHttpResult PreconditionRequired() => TypedResults.Problem(
        "Send the record's ETag in an If-Match header, so that a concurrent change is not overwritten.",
        statusCode: 428, title: "Precondition required.");

    public static ProblemHttpResult PreconditionFailed() => TypedResults.Problem(
        "The record has changed since the ETag in If-Match was read. GET it again, reapply the change, and retry.",
        statusCode: 412, title: "Precondition failed.");
}
