using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace IArms.Api.Infrastructure;

/// <summary>
/// The one place an exception becomes a response: a bad request (malformed JSON, a body too large,
/// a value of the wrong type) is the client's 400/413 with a message; anything else is logged and
/// answered as a 500 ProblemDetails that reveals nothing of the server.
/// </summary>
public sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        if (exception is OperationCanceledException && context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody to answer.
            return true;
        }

        var problem = exception switch
        {
            BadHttpRequestException bad => FromBadRequest(bad),
            _ when IsTransientDatabaseFailure(exception) => new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The database is busy.",
                Detail = "The request was not completed and nothing was changed. Retry in a few seconds.",
            },
            _ => null,
        };
        if (problem?.Status == StatusCodes.Status503ServiceUnavailable)
        {
            logger.LogWarning(exception, "Database busy on {Method} {Path}", context.Request.Method, context.Request.Path);
            context.Response.Headers.RetryAfter = "5";
        }
        if (problem is null)
        {
            logger.LogError(exception, "Unhandled exception on {Method} {Path}", context.Request.Method, context.Request.Path);
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status500InternalServerError,
                Title = "An unexpected error occurred.",
                Detail = "The request was not completed. Nothing was changed by the failed step; retry, or report the trace id.",
            };
        }

        context.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    private static ProblemDetails FromBadRequest(BadHttpRequestException bad)
    {
        if (bad.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return new ProblemDetails { Status = 413, Title = "The request body is too large." };
        }

        if (bad.InnerException is JsonException json)
        {
            var field = JsonPathToField(json.Path);
            var message = json.Path is null ? "The request body is not valid JSON." : $"The value at '{field}' is malformed or of the wrong type.";
            return new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
            {
                Status = 400,
                Title = "The request body could not be read.",
                Detail = message,
            };
        }

        return new ProblemDetails { Status = bad.StatusCode, Title = "The request is malformed.", Detail = bad.Message };
    }

    /// <summary>Lock contention or a timeout: the transaction was rolled back and a retry can succeed.</summary>
    private static bool IsTransientDatabaseFailure(Exception e) => e switch
    {
        Microsoft.Data.Sqlite.SqliteException s => s.SqliteErrorCode is 5 or 6, // SQLITE_BUSY, SQLITE_LOCKED
        Microsoft.Data.SqlClient.SqlException s => s.Number is -2 or 1205, // timeout, deadlock victim
        TimeoutException => true,
        _ => false,
    };

    /// <summary>Turns System.Text.Json's <c>$.otherSerials[0].value</c> into <c>otherSerials[0].value</c>.</summary>
    internal static string JsonPathToField(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "body";
        }
        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }
}
