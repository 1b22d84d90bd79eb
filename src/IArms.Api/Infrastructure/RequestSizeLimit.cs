namespace IArms.Api.Infrastructure;

/// <summary>
/// Refuses a declared body larger than the limit before reading it (413). Kestrel enforces the same
/// limit on bodies of unknown length while they stream in.
/// </summary>
public sealed class RequestSizeLimitMiddleware(RequestDelegate next, IProblemDetailsService problems)
{
    public const long MaxBodyBytes = 1024 * 1024;

    public async Task InvokeAsync(HttpContext context)
    {
        // A route that takes files (an import) names its own limit, and streams its body to disk.
        var limit = context.GetEndpoint()?.Metadata.GetMetadata<Bulk.LargeBodyMetadata>()?.MaxBytes ?? MaxBodyBytes;
        if (limit != MaxBodyBytes && context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit;
        }
        if (context.Request.ContentLength > limit)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new ProblemDetails
                {
                    Status = 413,
                    Title = "The request body is too large.",
                    Detail = $"Bodies are limited to {limit / 1024} KiB.",
                },
            });
            return;
        }
        await next(context);
    }
}
