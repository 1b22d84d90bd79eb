namespace IArms.Api.Officers;

/// <summary>An officer account to create: who the officer is and what the account may do within its agency.</summary>
/// <param name="Username">The sign-in name, unique across IArms: 3 to 64 lower-case letters, digits, '.', '-' or '_'.</param>
/// <param name="DisplayName">The officer's name as shown on the page and to colleagues.</param>
/// <param name="Roles">The roles the officer acts with (search, record, trace, audit, analysis; admin only from the central administrator).</param>
public sealed record CreateOfficerRequest(string? Username, string? DisplayName, [property: IArms.Api.Infrastructure.OpenApi.Vocabulary(typeof(IArms.Api.Agencies.Roles), nameof(IArms.Api.Agencies.Roles.All))] IReadOnlyList<string>? Roles);

/// <summary>A new account: the one-time enrolment code is shown this once, stored hashed, and expires.</summary>
/// <param name="Id">The account's id.</param>
/// <param name="Username">The sign-in name.</param>
/// <param name="DisplayName">The officer's name.</param>
/// <param name="Roles">The account's roles.</param>
/// <param name="EnrolmentCode">The one-time code the officer enrols with (sets a password and a second factor); shown once.</param>
/// <param name="EnrolmentPath">The page to open, with the code, on this service: give it to the officer over a separate channel.</param>
/// <param name="EnrolmentExpiresAt">When the code stops working (72 hours after it was issued).</param>
public sealed record OfficerCreatedResponse(
    long Id, string Username, string DisplayName, IReadOnlyList<string> Roles, string EnrolmentCode, string EnrolmentPath, DateTimeOffset EnrolmentExpiresAt);

/// <summary>An officer account as listed to administrators: never a secret.</summary>
/// <param name="Id">The account's id.</param>
/// <param name="Username">The sign-in name.</param>
/// <param name="DisplayName">The officer's name.</param>
/// <param name="Roles">The account's roles.</param>
/// <param name="Status">One of <c>pending</c> (not enrolled yet), <c>active</c>, <c>locked</c> (too many failed sign-ins, for 30 minutes) or <c>disabled</c>.</param>
/// <param name="CreatedAt">When the account was created.</param>
/// <param name="EnrolledAt">When the officer enrolled; null while pending.</param>
/// <param name="DisabledAt">When the account was disabled; null while it is not.</param>
public sealed record OfficerResponse(
    long Id, string Username, string DisplayName, IReadOnlyList<string> Roles, string Status,
    DateTimeOffset CreatedAt, DateTimeOffset? EnrolledAt, DateTimeOffset? DisabledAt);

/// <summary>A page of an agency's officer accounts, oldest first.</summary>
/// <param name="Items">The accounts of this page.</param>
/// <param name="NextCursor">The cursor of the next page; null on the last.</param>
public sealed record OfficerPage(IReadOnlyList<OfficerResponse> Items, string? NextCursor);

/// <summary>The states an officer account is listed in.</summary>
public static class OfficerStatuses
{
    public const string Pending = "pending";
    public const string Active = "active";
    public const string Locked = "locked";
    public const string Disabled = "disabled";
    public static readonly IReadOnlyList<string> All = [Pending, Active, Locked, Disabled];
}
