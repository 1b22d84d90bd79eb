using System.Text.Json;
using IArms.Api.Data;
using Microsoft.AspNetCore.Diagnostics;

namespace IArms.Api.Infrastructure;

/// <summary>
/// The one place an exception becomes a response: a bad request (malformed JSON, a body too large,
/// a value of the wrong type) is the client's 400/413 with a message; anything else is logged and
/// answered as a 500 ProblemDetails that reveals nothing of the server.
/// </summary>
public sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger)
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
            _ when exception is ServiceUnavailableException || DatabaseErrors.IsTransient(exception) => new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The service is busy.",
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
            var (field, message, _) = Describe(json);
            return new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
            {
                Status = 400,
                Title = "The request body could not be read.",
                Detail = message,
            };
        }

        // Parameter binding failures name the parameter in the framework's words; answer in the client's.
        var bind = BindFailure().Match(bad.Message);
        if (bind.Success)
        {
            // The framework names the C# parameter (or, for [AsParameters], the property); clients write camelCase.
            var field = ValidationExtensions.CamelCasePath(bind.Groups["name"].Value);
            var message = $"'{field}' has a value that cannot be read: '{bind.Groups["value"].Value}'.";
            return new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
            {
                Status = 400,
                Title = "The request is not valid.",
                Detail = message,
            };
        }
        if (bad.Message.Contains("no body was provided", StringComparison.Ordinal))
        {
            return new ProblemDetails { Status = 400, Title = "A JSON request body is required." };
        }
        if (bad.StatusCode == StatusCodes.Status415UnsupportedMediaType)
        {
            return new ProblemDetails { Status = 415, Title = "Send the body as application/json." };
        }
        return new ProblemDetails { Status = bad.StatusCode, Title = "The request is malformed." };
    }

    /// <summary>
    /// The field a body's JSON error is about, in the client's words, and what is wrong with it: an unknown field (the
    /// bodies are bound strictly, <see cref="System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow"/>,
    /// case-sensitive), or a value that is malformed or of the wrong type. Never names a .NET type.
    /// </summary>
    internal static (string Field, string Message, bool UnknownField) Describe(JsonException json)
    {
        var unknown = UnmappedMember().Match(json.Message);
        if (unknown.Success)
        {
            var name = unknown.Groups["name"].Value;
            var path = JsonPathToField(json.Path);
            // The serializer's path ends at the unknown property already, or at the object that holds it.
            var field = path == "body" ? name : path.EndsWith(name, StringComparison.Ordinal) ? path : $"{path}.{name}";
            return (field, $"'{field}' is not a field of this request. Field names are camelCase and case-sensitive; see the contract for the fields accepted.", true);
        }
        var at = JsonPathToField(json.Path);
        return json.Path is null
            ? ("body", "The request body is not valid JSON.", false)
            : (at, $"The value at '{at}' is malformed or of the wrong type.", false);
    }

    [System.Text.RegularExpressions.GeneratedRegex("^The JSON property '(?<name>[^']*)' could not be mapped")]
    private static partial System.Text.RegularExpressions.Regex UnmappedMember();

    [System.Text.RegularExpressions.GeneratedRegex("^Failed to bind parameter \"[^\"]* (?<name>\\w+)\" from \"(?<value>.*)\"\\.$")]
    private static partial System.Text.RegularExpressions.Regex BindFailure();

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
