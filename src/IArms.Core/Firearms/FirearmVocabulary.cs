namespace IArms.Core.Firearms;

/// <summary>The closed word lists of a firearm record, as they appear on the wire.</summary>
public static class FirearmVocabulary
{
    /// <summary>Why the record exists.</summary>
    public static readonly IReadOnlyList<string> Statuses = ["lost", "stolen", "trafficked", "smuggled", "seized", "recovered"];

    /// <summary>Statuses that mean the weapon is out of lawful hands and wanted: a search that finds one alerts its owner.</summary>
    public static readonly IReadOnlyList<string> WantedStatuses = ["lost", "stolen", "trafficked", "smuggled"];

    /// <summary>UN/ISACS weapon categories.</summary>
    public static readonly IReadOnlyList<string> Types =
        ["pistol", "revolver", "rifle", "carbine", "shotgun", "submachine-gun", "machine-gun", "assault-rifle", "grenade-launcher", "other"];

    /// <summary>Where a secondary serial is stamped.</summary>
    public static readonly IReadOnlyList<string> SerialLocations =
        ["frame", "receiver", "slide", "barrel", "cylinder", "bolt", "magazine", "other"];

    public static readonly IReadOnlyList<string> VisibilityScopes = ["all", "countries"];

    public static bool IsStatus(string? value) => value is not null && Statuses.Contains(value);

    public static bool IsWanted(string? status) => status is not null && WantedStatuses.Contains(status);

    public static bool IsType(string? value) => value is not null && Types.Contains(value);

    public static bool IsSerialLocation(string? value) => value is not null && SerialLocations.Contains(value);
}
