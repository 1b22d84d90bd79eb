namespace IArms.Api.Tests.Infrastructure;

/// <summary>Finds files of the repository from the test's output folder.</summary>
public static class RepoPaths
{
    public static string Root
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "IArms.sln")))
            {
                dir = dir.Parent;
            }
            return dir?.FullName ?? throw new InvalidOperationException("IArms.sln not found above " + AppContext.BaseDirectory);
        }
    }

    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);
}
