namespace IArms.Api.Infrastructure;

/// <summary>
/// <c>application/problem+json</c> answers for the outcomes handlers decide themselves (validation
/// has its own filter). Routes declare them with <c>ProducesProblem</c> so they appear in OpenAPI.
/// </summary>
public static class Problems
{
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
