using IArms.Core.Firearms;
using IArms.Api.Infrastructure.OpenApi;
using IArms.Core.Tracing;
using Microsoft.AspNetCore.Mvc;

namespace IArms.Api.Analysis;

// ---- query strings: strings where a bad value must answer a 400 with the field named (AnalysisValidators) ----

/// <summary>The record and date filters most analyses share. Dates are ISO 8601 (<c>2024-01-31</c>).</summary>
public interface IAnalysisFilters
{
    string? Since { get; }
    string? Until { get; }
    string? Make { get; }
    string? Type { get; }
}

/// <summary>The country and diversion filters of routes and diversion sources.</summary>
public interface IRouteFilters : IAnalysisFilters
{
    string? FromCountry { get; }
    string? ToCountry { get; }
    string? Reason { get; }
}

/// <param name="Since">Legs made on or after this date.</param>
/// <param name="Until">Legs made on or before this date.</param>
/// <param name="Make">Firearms of this make (any spelling the reference table knows).</param>
/// <param name="Type">Firearms of this type.</param>
/// <param name="FromCountry">Legs leaving this country.</param>
/// <param name="ToCountry">Legs entering this country.</param>
/// <param name="Reason">Firearms diverted for this reason.</param>
public sealed record RoutesQuery(
    [property: FromQuery(Name = "since")] string? Since,
    [property: FromQuery(Name = "until")] string? Until,
    [property: FromQuery(Name = "make")] string? Make,
    [property: FromQuery(Name = "type"), Vocabulary(typeof(FirearmVocabulary), nameof(FirearmVocabulary.Types))] string? Type,
    [property: FromQuery(Name = "fromCountry"), CountryCode] string? FromCountry,
    [property: FromQuery(Name = "toCountry"), CountryCode] string? ToCountry,
    [property: FromQuery(Name = "reason"), Vocabulary(typeof(CustodyVocabulary), nameof(CustodyVocabulary.DiversionReasons))] string? Reason) : IRouteFilters;

/// <param name="GroupBy">country, party, reason or partyKind (default country).</param>
/// <param name="Since">Diversions on or after this date.</param>
/// <param name="Until">Diversions on or before this date.</param>
/// <param name="Make">Firearms of this make.</param>
/// <param name="Type">Firearms of this type.</param>
/// <param name="FromCountry">Diverted in this country.</param>
/// <param name="ToCountry">Moved to this country at some point of the chain (for example seized there).</param>
/// <param name="Reason">Diverted for this reason.</param>
/// <param name="Limit">At most this many groups (default 100, at most 1000).</param>
public sealed record DiversionSourcesQuery(
    [property: FromQuery(Name = "groupBy")] [property: Vocabulary(typeof(AnalysisVocabulary), nameof(AnalysisVocabulary.Groupings))] string? GroupBy,
    [property: FromQuery(Name = "since")] string? Since,
    [property: FromQuery(Name = "until")] string? Until,
    [property: FromQuery(Name = "make")] string? Make,
    [property: FromQuery(Name = "type"), Vocabulary(typeof(FirearmVocabulary), nameof(FirearmVocabulary.Types))] string? Type,
    [property: FromQuery(Name = "fromCountry"), CountryCode] string? FromCountry,
    [property: FromQuery(Name = "toCountry"), CountryCode] string? ToCountry,
    [property: FromQuery(Name = "reason"), Vocabulary(typeof(CustodyVocabulary), nameof(CustodyVocabulary.DiversionReasons))] string? Reason,
    [property: FromQuery(Name = "limit")] int? Limit) : IRouteFilters;

/// <param name="MinFirearms">Parties in the chains of at least this many diverted, seized or recovered firearms (default 2).</param>
/// <param name="Role">Count only the firearms where the party played this role: last-lawful-holder, buyer, seller, exporter, importer.</param>
/// <param name="Make">Firearms of this make.</param>
/// <param name="Type">Firearms of this type.</param>
/// <param name="Limit">At most this many parties (default 100, at most 1000).</param>
public sealed record PartiesQuery(
    [property: FromQuery(Name = "minFirearms")] int? MinFirearms,
    [property: FromQuery(Name = "role")] [property: Vocabulary(typeof(AnalysisVocabulary), nameof(AnalysisVocabulary.Roles))] string? Role,
    [property: FromQuery(Name = "make")] string? Make,
    [property: FromQuery(Name = "type"), Vocabulary(typeof(FirearmVocabulary), nameof(FirearmVocabulary.Types))] string? Type,
    [property: FromQuery(Name = "limit")] int? Limit);

/// <param name="Depth">Hops from the party, 1 to 4 (default 2: the party, its firearms and their other parties).</param>
public sealed record NetworkQuery([property: FromQuery(Name = "depth")] int? Depth);

/// <param name="Party">The party id (from GET /analysis/parties) the graph is drawn around.</param>
/// <param name="Depth">Hops from the party, 1 to 4 (default 2).</param>
public sealed record GraphMLQuery(
    [property: FromQuery(Name = "party")] string? Party,
    [property: FromQuery(Name = "depth")] int? Depth);

/// <param name="Make">Only runs of this make (any spelling the reference table knows); all makes when omitted.</param>
/// <param name="MaxGap">
/// The largest step between consecutive serial numbers of a run, 0 to 100000 (default 100). Up to 100 the runs are
/// found from runs the service keeps up to date as records change (fast at any scale); above 100 every candidate of
/// the make is chained per request, which takes seconds for the largest makes at millions of records.
/// </param>
/// <param name="Since">Records whose event is on or after this date.</param>
/// <param name="Until">Records whose event is on or before this date.</param>
/// <param name="Type">Firearms of this type.</param>
/// <param name="Limit">Runs per page (default 50, at most 200).</param>
/// <param name="Cursor">The nextCursor of the previous page.</param>
public sealed record SerialRunsQuery(
    [property: FromQuery(Name = "make")] string? Make,
    [property: FromQuery(Name = "maxGap")] int? MaxGap,
    [property: FromQuery(Name = "since")] string? Since,
    [property: FromQuery(Name = "until")] string? Until,
    [property: FromQuery(Name = "type"), Vocabulary(typeof(FirearmVocabulary), nameof(FirearmVocabulary.Types))] string? Type,
    [property: FromQuery(Name = "limit")] int? Limit,
    [property: FromQuery(Name = "cursor")] string? Cursor) : IAnalysisFilters;

/// <param name="Metric">thefts, losses, seizures (seized and recovered events) or traces (trace requests).</param>
/// <param name="By">month, quarter or year (default month).</param>
/// <param name="Since">From this date.</param>
/// <param name="Until">To this date.</param>
/// <param name="Make">Firearms of this make.</param>
/// <param name="Type">Firearms of this type.</param>
public sealed record TrendsQuery(
    [property: FromQuery(Name = "metric")] [property: Vocabulary(typeof(AnalysisVocabulary), nameof(AnalysisVocabulary.Metrics))] string? Metric,
    [property: FromQuery(Name = "by")] [property: Vocabulary(typeof(AnalysisVocabulary), nameof(AnalysisVocabulary.Periods))] string? By,
    [property: FromQuery(Name = "since")] string? Since,
    [property: FromQuery(Name = "until")] string? Until,
    [property: FromQuery(Name = "make")] string? Make,
    [property: FromQuery(Name = "type"), Vocabulary(typeof(FirearmVocabulary), nameof(FirearmVocabulary.Types))] string? Type) : IAnalysisFilters;

// ---- responses ----

/// <summary>Firearms that moved from one country to another; licensed when an export/import authorization covered the move.</summary>
public sealed record RouteItem(string FromCountry, string ToCountry, int Firearms, int Licensed, int Unlicensed, DateOnly FirstSeen, DateOnly LastSeen);

public sealed record RoutesResponse(IReadOnlyList<RouteItem> Items);

/// <summary>A party resolved across chains: <c>id</c> is stable; the name is its most frequent spelling.</summary>
public sealed record AnalysisParty(string Id, string Name, [property: Vocabulary(typeof(CustodyVocabulary), nameof(CustodyVocabulary.PartyKinds))] string Kind, string? CountryCode);

/// <summary>One group of diverted firearms; only the field grouped by is set.</summary>
public sealed record DiversionSourceItem(
    string? Country, AnalysisParty? Party, string? Reason, string? PartyKind, int Firearms, double? MedianTimeToCrimeDays);

public sealed record DiversionSourcesResponse([property: Vocabulary(typeof(AnalysisVocabulary), nameof(AnalysisVocabulary.Groupings))] string GroupBy, IReadOnlyList<DiversionSourceItem> Items);

/// <summary>In how many of the party's firearms it played each role.</summary>
public sealed record PartyRoleCounts(int LastLawfulHolder, int Buyer, int Seller, int Exporter, int Importer);

/// <summary>A party in the chains of several diverted, seized or recovered firearms.</summary>
public sealed record PartyItem(string Id, string Name, [property: Vocabulary(typeof(CustodyVocabulary), nameof(CustodyVocabulary.PartyKinds))] string Kind, string? CountryCode, int Firearms, PartyRoleCounts Roles, IReadOnlyList<long> FirearmIds);

public sealed record PartiesResponse(IReadOnlyList<PartyItem> Items);

/// <summary>
/// A node of the firearm–party graph: <c>id</c> is <c>party:{partyId}</c> or <c>firearm:{firearmId}</c>. Party nodes
/// carry name, partyKind and countryCode; firearm nodes serialNumber, make, model, type and status.
/// </summary>
public sealed record NetworkNodeItem(
    string Id, string Kind, int Depth, string? PartyId, string? Name, string? PartyKind, string? CountryCode,
    long? FirearmId, string? SerialNumber, string? Make, string? Model, string? Type, string? Status);

/// <summary>A party appears in an event of a firearm's chain.</summary>
public sealed record NetworkEdgeItem(string From, string To, string EventType, DateOnly Date);

public sealed record NetworkResponse(IReadOnlyList<NetworkNodeItem> Nodes, IReadOnlyList<NetworkEdgeItem> Edges);

/// <summary>A probable diverted lot: firearms of one make whose serials run close together, recorded by several cases or places.</summary>
public sealed record SerialRunItem(
    string CanonicalMake, string? Model, string FirstSerial, string LastSerial, IReadOnlyList<long> Firearms,
    IReadOnlyList<string> Countries, DateOnly? FirstEvent, DateOnly? LastEvent, IReadOnlyList<string> CommonParties);

public sealed record SerialRunsResponse(IReadOnlyList<SerialRunItem> Items, string? NextCursor);

/// <summary>One period: its label (<c>2026-03</c>, <c>2026-Q1</c>, <c>2026</c>), first day and count.</summary>
public sealed record TrendItem(string Period, DateOnly Start, long Count);

public sealed record TrendsResponse([property: Vocabulary(typeof(AnalysisVocabulary), nameof(AnalysisVocabulary.Metrics))] string Metric, [property: Vocabulary(typeof(AnalysisVocabulary), nameof(AnalysisVocabulary.Periods))] string By, IReadOnlyList<TrendItem> Items);
