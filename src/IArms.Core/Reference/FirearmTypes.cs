using System.Collections.Frozen;
using System.Text;

namespace IArms.Core.Reference;

/// <summary>The firearm types a record may carry, and the common ways people write them.</summary>
public static class FirearmTypes
{
    /// <summary>Code of a self-loading or single-shot handgun.</summary>
    public const string Pistol = "pistol";

    /// <summary>Code of a handgun with a revolving cylinder.</summary>
    public const string Revolver = "revolver";

    /// <summary>Code of a shoulder-fired rifled long gun.</summary>
    public const string Rifle = "rifle";

    /// <summary>Code of a short rifle.</summary>
    public const string Carbine = "carbine";

    /// <summary>Code of a smooth-bore long gun firing shot.</summary>
    public const string Shotgun = "shotgun";

    /// <summary>Code of an automatic weapon firing pistol cartridges.</summary>
    public const string SubmachineGun = "submachine-gun";

    /// <summary>Code of an automatic weapon for sustained fire.</summary>
    public const string MachineGun = "machine-gun";

    /// <summary>Code of a selective-fire rifle firing intermediate cartridges.</summary>
    public const string AssaultRifle = "assault-rifle";

    /// <summary>Code of a weapon that launches grenades.</summary>
    public const string GrenadeLauncher = "grenade-launcher";

    /// <summary>Code of anything that fits no other type.</summary>
    public const string Other = "other";

    /// <summary>Every type, in the order of the design document.</summary>
    public static IReadOnlyList<FirearmType> All { get; } =
    [
        new(Pistol, "Pistol", "Handgun whose chamber is part of the barrel: self-loading or single-shot."),
        new(Revolver, "Revolver", "Handgun with a revolving cylinder of chambers."),
        new(Rifle, "Rifle", "Shoulder-fired long gun with a rifled barrel: bolt, lever, pump or self-loading."),
        new(Carbine, "Carbine", "Rifle with a shortened barrel, or a long gun firing pistol cartridges."),
        new(Shotgun, "Shotgun", "Shoulder-fired long gun, usually smooth-bore, firing shot or slugs."),
        new(SubmachineGun, "Submachine gun", "Automatic shoulder or hand weapon firing pistol cartridges."),
        new(MachineGun, "Machine gun", "Automatic weapon for sustained fire, light to heavy, often belt-fed."),
        new(AssaultRifle, "Assault rifle", "Selective-fire rifle firing an intermediate cartridge from a detachable magazine."),
        new(GrenadeLauncher, "Grenade launcher", "Hand-held, under-barrel or mounted weapon launching grenades."),
        new(Other, "Other", "Any other firearm, including converted and improvised weapons."),
    ];

    // Keys are written as the normaliser produces them: lower case, words separated by one
    // space. "Handgun" is deliberately absent: it covers both pistols and revolvers, and
    // guessing one would put a revolver record under the wrong type.
    private static readonly FrozenDictionary<string, string> Synonyms = BuildSynonyms();

    /// <summary>True when <paramref name="code"/> is one of the type codes, exactly.</summary>
    public static bool IsValid(string? code) => code is not null && All.Any(t => t.Code == code);

    /// <summary>The type with this code, or null.</summary>
    public static FirearmType? Find(string? code) => All.FirstOrDefault(t => t.Code == code);

    /// <summary>
    /// The type code for a code, display name or common synonym ("SMG", "sub-machine gun", "MG",
    /// "shot gun", "assault rifles"); null when the text is empty or names no single type.
    /// </summary>
    public static string? Resolve(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var key = Key(text);
        if (Synonyms.TryGetValue(key, out var code))
        {
            return code;
        }

        // Plurals: "pistols", "machine guns", "SMGs".
        return key.EndsWith('s') && Synonyms.TryGetValue(key[..^1], out code) ? code : null;
    }

    private static string Key(string text)
    {
        var folded = ReferenceText.Fold(text.Trim());
        var sb = new StringBuilder(folded.Length);
        foreach (var c in folded)
        {
            if (char.IsLetterOrDigit(c))
            {
                sb.Append(c);
            }
            else if (sb.Length > 0 && sb[^1] != ' ')
            {
                sb.Append(' ');
            }
        }

        return sb.ToString().TrimEnd();
    }

    private static FrozenDictionary<string, string> BuildSynonyms()
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var type in All)
        {
            map[Key(type.Code)] = type.Code;
            map[Key(type.DisplayName)] = type.Code;
        }

        void Add(string code, params string[] synonyms)
        {
            foreach (var synonym in synonyms)
            {
                map[Key(synonym)] = code;
            }
        }

        Add(Pistol, "semi-automatic pistol", "semi automatic pistol", "semi-auto pistol", "self-loading pistol",
            "automatic pistol", "single-shot pistol", "derringer");
        Add(Revolver, "double-action revolver", "single-action revolver");
        Add(Rifle, "bolt-action rifle", "lever-action rifle", "pump-action rifle", "semi-automatic rifle",
            "self-loading rifle", "hunting rifle", "sniper rifle", "sporting rifle", "single-shot rifle", "precision rifle");
        Add(Carbine, "pistol-calibre carbine", "pcc");
        Add(Shotgun, "shot gun", "shot-gun", "pump-action shotgun", "pump shotgun", "semi-automatic shotgun",
            "double-barrel shotgun", "over and under shotgun", "side by side shotgun", "single-barrel shotgun");
        Add(SubmachineGun, "smg", "sub machine gun", "sub-machine gun", "sub-machine-gun", "submachinegun", "machine carbine");
        Add(MachineGun, "mg", "machinegun", "light machine gun", "lmg", "heavy machine gun", "hmg",
            "general-purpose machine gun", "gpmg", "medium machine gun", "mmg");
        Add(AssaultRifle, "assault rifle", "assault-rifle", "selective-fire rifle", "select-fire rifle");
        Add(GrenadeLauncher, "grenade launcher", "gl", "ugl", "under-barrel grenade launcher", "underbarrel grenade launcher",
            "automatic grenade launcher", "agl");
        return map.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
