using IArms.Api.Infrastructure.OpenApi;
using IArms.Api.Audit;
using IArms.Api.Bulk;
using System.Globalization;
using IArms.Api.Agencies;
using IArms.Api.Infrastructure;
using IArms.Core;
using IArms.Core.Firearms;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace IArms.Api.Firearms;

/// <summary>Firearm records: created, read, replaced and withdrawn by the agencies that own them.</summary>
public static class FirearmApi
{
    public static RouteGroupBuilder MapFirearms(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/firearms").WithTags("Firearms");

        group.MapPost("/", Create).RequireAuthorization(Roles.Record)
            .ProducesProblem(409).Idempotent().AnswersETag()
            .Audited(AuditActions.FirearmCreate).WithName("CreateFirearm").WithSummary("Records a firearm; resending the same externalId does not duplicate it.");
        group.MapGet("/", List).RequireAuthorization(Roles.Search).ProducesValidationProblem()
            .Audited(AuditActions.FirearmList).WithName("ListFirearms").WithSummary("Lists the records the caller may see, oldest first, one page at a time; with updatedSince, also the records withdrawn since then.");
        group.MapGet("/{id:long}", Get).RequireAuthorization(Roles.Search).ProducesProblem(404).WithETag()
            .Audited(AuditActions.FirearmRead).WithName("GetFirearm").WithSummary("Reads one record with its ETag.");
        group.MapPut("/{id:long}", Replace).RequireAuthorization(Roles.Record)
            .ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).RequiresIfMatch().AnswersETag()
            .Audited(AuditActions.FirearmReplace).WithName("ReplaceFirearm").WithSummary("Replaces the owner's record; If-Match with the current ETag is required.");
        group.MapDelete("/{id:long}", Withdraw).RequireAuthorization(Roles.Record)
            .ProducesProblem(403).ProducesProblem(404).RequiresIfMatch()
            .Audited(AuditActions.FirearmWithdraw).WithName("WithdrawFirearm").WithSummary("Withdraws the owner's record; If-Match with the current ETag is required.");
        return group;
    }

    /// <summary>Registers the firearms feature: the record reads and the service that writes records.</summary>
    public static IServiceCollection AddFirearms(this IServiceCollection services)
    {
        services.AddSingleton<FirearmQueries>();
        services.AddSingleton<FirearmService>();
        return services;
    }

    private static async Task<Results<Created<FirearmResponse>, Ok<FirearmResponse>, ProblemHttpResult>> Create(
        FirearmRequest request, Caller caller, FirearmService service, HttpResponse response, CancellationToken ct)
    {
        switch (await service.CreateAsync(request, caller, ct))
        {
            case FirearmService.CreateOutcome.Created(var saved):
                SetETag(response, saved.Version);
                return TypedResults.Created(Location(saved.Record.Id), saved.Record);
            case FirearmService.CreateOutcome.AlreadyExists(var saved):
                SetETag(response, saved.Version);
                response.Headers.Location = Location(saved.Record.Id);
                return TypedResults.Ok(saved.Record);
            case FirearmService.CreateOutcome.ExternalIdTaken(var existingId):
                return Problems.Conflict(
                    $"externalId '{request.ExternalId}' already names record {existingId} with different content; replace it with PUT {Location(existingId)}.");
            default:
                throw new InvalidOperationException("Unknown outcome.");
        }
    }

    private static async Task<Results<Ok<FirearmResponse>, ProblemHttpResult>> Get(
        long id, Caller caller, FirearmQueries queries, HttpResponse response, CancellationToken ct)
    {
        var saved = await queries.GetAsync(id, caller, ct);
        if (saved is null)
        {
            return NotFound(id);
        }
        SetETag(response, saved.Version);
        return TypedResults.Ok(saved.Record);
    }

    /// <param name="caller">The authenticated agency.</param>
    /// <param name="queries">The record reads.</param>
    /// <param name="ct">The request's cancellation.</param>
    /// <param name="status">Only records with this status.</param>
    /// <param name="type">Only records of this weapon type.</param>
    /// <param name="countryCode">Only records whose event took place in this country (ISO 3166-1 alpha-2).</param>
    /// <param name="make">Only records of this make (any spelling the reference table knows).</param>
    /// <param name="updatedSince">Only records changed at or after this instant; the page's <c>withdrawn</c> then lists the records withdrawn since then.</param>
    /// <param name="externalId">
    /// Only the caller's own record with this externalId (exact, case-sensitive): how a national system finds its record.
    /// Another agency's externalId finds nothing, since externalIds are unique per agency only.
    /// </param>
    /// <param name="page">The page: <c>limit</c> and <c>cursor</c>.</param>
    private static async Task<Results<Ok<FirearmPage>, ProblemHttpResult>> List(
        Caller caller, FirearmQueries queries, CancellationToken ct,
        [Vocabulary(typeof(FirearmVocabulary), nameof(FirearmVocabulary.Statuses))] string? status, [Vocabulary(typeof(FirearmVocabulary), nameof(FirearmVocabulary.Types))] string? type, string? countryCode, string? make,
        DateTimeOffset? updatedSince, string? externalId, [AsParameters] PageRequest page)
    {
        if (ListFilterProblem(status, type, countryCode) is { } badFilter)
        {
            return badFilter;
        }
        if (page.TryRead(0, out var take, out var afterId) is { } badPage)
        {
            return badPage;
        }

        if (externalId is not null && (externalId.Length is 0 or > FirearmRequestValidator.MaxExternalIdLength))
        {
            return Problems.BadRequest("externalId", $"'externalId' must be 1 to {FirearmRequestValidator.MaxExternalIdLength} characters.");
        }

        var query = new FirearmListQuery(status, type, countryCode, string.IsNullOrWhiteSpace(make) ? null : make, updatedSince, afterId, take)
        {
            ExternalId = externalId,
            IncludeWithdrawn = true,
        };
        return TypedResults.Ok(await queries.ListAsync(query, caller, ct));
    }

    private static async Task<Results<Ok<FirearmResponse>, ProblemHttpResult>> Replace(
        long id, FirearmRequest request, Caller caller, FirearmQueries queries, FirearmService service, HttpResponse response,
        [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(ifMatch))
        {
            return await MissingIfMatchAsync(id, caller, queries, ct);
        }

        var outcome = await service.UpdateAsync(id, current => Matches(ifMatch, current), request, caller, ct);
        switch (outcome)
        {
            case FirearmService.UpdateOutcome.Updated(var saved):
                SetETag(response, saved.Version);
                return TypedResults.Ok(saved.Record);
            case FirearmService.UpdateOutcome.NotFound:
                return NotFound(id);
            case FirearmService.UpdateOutcome.NotOwner:
                return NotOwner(id);
            case FirearmService.UpdateOutcome.ExternalIdTaken(var other):
                return Problems.Conflict($"externalId '{request.ExternalId}' already names record {other}.");
            default:
                return Problems.PreconditionFailed();
        }
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Withdraw(
        long id, Caller caller, FirearmQueries queries, FirearmService service,
        [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(ifMatch))
        {
            return await MissingIfMatchAsync(id, caller, queries, ct);
        }
        return await service.WithdrawAsync(id, current => Matches(ifMatch, current), caller, ct) switch
        {
            FirearmService.WithdrawOutcome.Withdrawn => TypedResults.NoContent(),
            FirearmService.WithdrawOutcome.NotOwner => NotOwner(id),
            FirearmService.WithdrawOutcome.Stale => Problems.PreconditionFailed(),
            _ => NotFound(id),
        };
    }

    /// <summary>
    /// The answer to a change sent without If-Match: existence and ownership are checked first, so that 428 never
    /// reveals a hidden record nor tells another agency that it could change one by adding the header.
    /// </summary>
    private static async Task<ProblemHttpResult> MissingIfMatchAsync(long id, Caller caller, FirearmQueries queries, CancellationToken ct)
    {
        var visible = await queries.GetAsync(id, caller, ct);
        if (visible is null)
        {
            return NotFound(id);
        }
        return visible.Record.OwnerAgency != caller.AgencyCode ? NotOwner(id) : Problems.PreconditionRequired();
    }

    /// <summary>The 400 for a list filter outside its vocabulary (the list and the export share them), or null.</summary>
    internal static ProblemHttpResult? ListFilterProblem(string? status, string? type, string? countryCode) =>
        status is not null && !FirearmVocabulary.IsStatus(status)
            ? Problems.BadRequest("status", $"'status' must be one of {string.Join(", ", FirearmVocabulary.Statuses)}.")
        : type is not null && !FirearmVocabulary.IsType(type)
            ? Problems.BadRequest("type", $"'type' must be one of {string.Join(", ", FirearmVocabulary.Types)}.")
        : countryCode is not null && !Countries.IsValid(countryCode)
            ? Problems.BadRequest("countryCode", "'countryCode' must be an ISO 3166-1 alpha-2 code in upper case.")
        : null;

    private static string Location(long id) => $"/api/v1/firearms/{id}";

    private static ProblemHttpResult NotFound(long id) => Problems.NotFound($"No firearm record {id} is visible to your agency.");

    private static ProblemHttpResult NotOwner(long id) => TypedResults.Problem(
        $"Record {id} belongs to another agency; only its owner may change or withdraw it.", statusCode: 403, title: "Forbidden.");

    internal static string FormatETag(long version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    private static void SetETag(HttpResponse response, long version) => response.Headers.ETag = FormatETag(version);

    /// <summary>
    /// Reads the If-Match header: a list of strong ETags made by <see cref="FormatETag"/> (weak ones never
    /// match, as RFC 9110 requires), or <c>*</c>, which matches the current version.
    /// </summary>
    internal static bool Matches(string header, long current)
    {
        foreach (var tag in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (tag == "*")
            {
                return true;
            }
            if (tag.Length > 2 && tag[0] == '"' && tag[^1] == '"'
                && long.TryParse(tag.AsSpan(1, tag.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
                && version == current)
            {
                return true;
            }
        }
        return false;
    }
}
