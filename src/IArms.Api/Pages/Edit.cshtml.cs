using Microsoft.AspNetCore.Mvc;
using FluentValidation;
using IArms.Api.Agencies;
using IArms.Api.Audit;
using IArms.Api.Firearms;

namespace IArms.Api.Pages;

/// <summary>
/// Creates or edits one of the agency's records: the API's request, checked by the API's validator (each message beside
/// its field) and written by the API's service. An edit carries the version it started from, as the API's If-Match:
/// when someone changed the record first, nothing is overwritten, and the page says so and shows what changed.
/// </summary>
public sealed class EditModel(FirearmQueries firearms, FirearmService service, IValidator<FirearmRequest> validator, AuditLog audit, TimeProvider clock)
    : OfficerPageModel(audit, clock)
{
    [BindProperty]
    public RecordForm Form { get; set; } = new();

    /// <summary>The version the edit started from (the ETag the API would have sent).</summary>
    [BindProperty]
    public long Version { get; set; }

    public long? Id { get; private set; }

    public IDictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();

    public string? Problem { get; private set; }

    /// <summary>The record as the other change left it, shown when this edit met a conflict.</summary>
    public FirearmResponse? Current { get; private set; }

    public async Task<IActionResult> OnGetAsync(long? id, CancellationToken ct)
    {
        if (!Caller.Has(Roles.Record))
        {
            return await DeniedAsync(id is null ? AuditActions.FirearmCreate : AuditActions.FirearmRead, id is null ? "firearms" : $"firearms/{id}");
        }
        Id = id;
        if (id is null)
        {
            return Page();
        }
        var saved = await firearms.GetAsync(id.Value, Caller, ct);
        await AuditAsync(AuditActions.FirearmRead, $"firearms/{id}", saved is null ? 404 : saved.Record.OwnerAgency != Caller.AgencyCode ? 403 : 200);
        if (saved is null || saved.Record.OwnerAgency != Caller.AgencyCode)
        {
            Problem = saved is null ? $"No firearm record {id} is visible to your agency." : $"Record {id} belongs to another agency; only its owner may change it.";
            Response.StatusCode = saved is null ? 404 : 403;
            Id = null;
            return Page();
        }
        Form = RecordForm.From(saved.Record);
        Version = saved.Version;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(long? id, CancellationToken ct)
    {
        var action = id is null ? AuditActions.FirearmCreate : AuditActions.FirearmReplace;
        var objectId = id is null ? "firearms" : $"firearms/{id}";
        if (!Caller.Has(Roles.Record))
        {
            return await DeniedAsync(action, objectId);
        }
        Id = id;
        var request = Form.ToRequest();
        var validation = await validator.ValidateAsync(request, ct);
        if (!validation.IsValid)
        {
            Errors = validation.ToDictionary();
            Problem = "The record was not saved: see the fields marked below.";
            Response.StatusCode = 400;
            await AuditAsync(action, objectId, 400);
            return Page();
        }
        if (id is null)
        {
            switch (await service.CreateAsync(request, Caller, ct))
            {
                case FirearmService.CreateOutcome.Created(var saved):
                    await AuditAsync(action, $"firearms/{saved.Record.Id}", 201);
                    return Redirect($"/firearms/{saved.Record.Id}");
                case FirearmService.CreateOutcome.AlreadyExists(var saved):
                    await AuditAsync(action, $"firearms/{saved.Record.Id}", 200);
                    return Redirect($"/firearms/{saved.Record.Id}");
                case FirearmService.CreateOutcome.ExternalIdTaken(var existing):
                    await AuditAsync(action, objectId, 409);
                    Errors = new Dictionary<string, string[]> { ["externalId"] = [$"Your agency already uses this external id for record {existing}, with other content."] };
                    Problem = "The record was not saved: see the fields marked below.";
                    Response.StatusCode = 409;
                    return Page();
            }
        }
        var outcome = await service.UpdateAsync(id!.Value, current => current == Version, request, Caller, ct);
        switch (outcome)
        {
            case FirearmService.UpdateOutcome.Updated(var saved):
                await AuditAsync(action, objectId, 200);
                return Redirect($"/firearms/{saved.Record.Id}");
            case FirearmService.UpdateOutcome.Stale:
                await AuditAsync(action, objectId, 412);
                var current = await firearms.GetAsync(id.Value, Caller, ct);
                Current = current?.Record;
                Version = current?.Version ?? Version;
                Problem = "Someone else changed this record after you opened it, so your changes were not saved. " +
                          "The record as it is now is shown below; your changes are still in the form. Check them against it and save again.";
                Response.StatusCode = 412;
                return Page();
            case FirearmService.UpdateOutcome.ExternalIdTaken(var other):
                await AuditAsync(action, objectId, 409);
                Errors = new Dictionary<string, string[]> { ["externalId"] = [$"This external id already names your record {other}."] };
                Problem = "The record was not saved: see the fields marked below.";
                Response.StatusCode = 409;
                return Page();
            case FirearmService.UpdateOutcome.NotOwner:
                await AuditAsync(action, objectId, 403);
                Problem = $"Record {id} belongs to another agency; only its owner may change it.";
                Response.StatusCode = 403;
                return Page();
            default:
                await AuditAsync(action, objectId, 404);
                Problem = $"No firearm record {id} is visible to your agency.";
                Response.StatusCode = 404;
                return Page();
        }
    }

    public string? ErrorOf(string field) => Errors.TryGetValue(field, out var m) ? string.Join(" ", m) : null;

    /// <summary>The record form's fields, named as the API's request (other serials: two rows; visibility countries comma-separated).</summary>
    public sealed class RecordForm
    {
        public string? ExternalId { get; set; }
        public string? SerialNumber { get; set; }
        public List<OtherSerialForm> OtherSerials { get; set; } = [new(), new()];
        public string? Make { get; set; }
        public string? Model { get; set; }
        public string? Calibre { get; set; }
        public string? Type { get; set; }
        public string? CountryOfManufacture { get; set; }
        public int? YearOfManufacture { get; set; }
        public string? ImportMarking { get; set; }
        public string? Status { get; set; }
        public DateOnly? EventDate { get; set; }
        public string? EventCountryCode { get; set; }
        public string? EventPlace { get; set; }
        public string? CaseReference { get; set; }
        public bool ObliteratedSerial { get; set; }
        public string? VisibilityScope { get; set; } = "all";
        public string? VisibilityCountries { get; set; }
        public string? Notes { get; set; }

        public FirearmRequest ToRequest() => new(
            ExternalId, SerialNumber,
            [.. OtherSerials.Where(o => !string.IsNullOrWhiteSpace(o.Value) || !string.IsNullOrWhiteSpace(o.Location)).Select(o => new OtherSerial(o.Location, o.Value))],
            Make, Model ?? "", Calibre ?? "", Type, Blank(CountryOfManufacture), YearOfManufacture, ImportMarking ?? "", Status, EventDate,
            Blank(EventCountryCode), EventPlace ?? "", CaseReference ?? "", ObliteratedSerial,
            new Visibility(VisibilityScope, VisibilityScope == "countries"
                ? [.. (VisibilityCountries ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]
                : null),
            Notes ?? "");

        public static RecordForm From(FirearmResponse f)
        {
            var form = new RecordForm
            {
                ExternalId = f.ExternalId, SerialNumber = f.SerialNumber, Make = f.Make, Model = f.Model, Calibre = f.Calibre, Type = f.Type,
                CountryOfManufacture = f.CountryOfManufacture, YearOfManufacture = f.YearOfManufacture, ImportMarking = f.ImportMarking,
                Status = f.Status, EventDate = f.EventDate, EventCountryCode = f.EventCountryCode, EventPlace = f.EventPlace,
                CaseReference = f.CaseReference, ObliteratedSerial = f.ObliteratedSerial, VisibilityScope = f.Visibility.Scope,
                VisibilityCountries = string.Join(", ", f.Visibility.Countries ?? []), Notes = f.Notes,
                OtherSerials = [.. f.OtherSerials.Select(o => new OtherSerialForm { Location = o.Location, Value = o.Value })],
            };
            while (form.OtherSerials.Count < 2)
            {
                form.OtherSerials.Add(new OtherSerialForm());
            }
            return form;
        }

        private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    public sealed class OtherSerialForm
    {
        public string? Location { get; set; }
        public string? Value { get; set; }
    }
}
