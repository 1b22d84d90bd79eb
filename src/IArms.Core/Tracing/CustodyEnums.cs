namespace IArms.Core.Tracing;

/// <summary>
/// What happened to a firearm in one custody event. The declaration order is the tie-break
/// order for events on the same date (a weapon is manufactured before it is exported, exported
/// before it is imported, and so on), so new members must be inserted where they belong in a
/// weapon's life, not appended.
/// </summary>
public enum CustodyEventType
{
    Manufactured,
    Exported,
    Imported,
    Transferred,
    Sold,
    Assigned,
    ReportedLost,
    ReportedStolen,
    Seized,
    Recovered,
    Destroyed,
    Deactivated,
}

/// <summary>The kind of holder or counterparty in a custody event.</summary>
public enum PartyKind
{
    Manufacturer,
    Distributor,
    Dealer,
    Importer,
    Exporter,
    StateStockpile,
    Military,
    Police,
    PrivatePerson,
    Company,
    Unknown,
}

/// <summary>The document that authorised a transfer.</summary>
public enum AuthorizationKind
{
    ExportLicence,
    ImportLicence,
    EndUserCertificate,
    TransferPermit,
}

/// <summary>Why the trace places the weapon's departure from lawful hands where it does.</summary>
public enum DiversionReason
{
    Theft,
    Loss,
    UnauthorizedReExport,
    UnauthorizedTransfer,
    PostCustodyGap,
}

/// <summary>How strongly the recorded events support the diversion point.</summary>
public enum Confidence
{
    High,
    Medium,
    Low,
}

/// <summary>The kind of hole found in a custody chain.</summary>
public enum GapKind
{
    /// <summary>An event's sender is not the holder the earlier events left.</summary>
    CustodyDiscontinuity,

    /// <summary>More than ten years pass between two consecutive events.</summary>
    Silence,
}
