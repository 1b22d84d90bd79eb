using IArms.Api.Data;

namespace IArms.Api.Hosting;

public static class HostingServices
{
    /// <summary>
    /// Registers start-up: the database, its migrations, the bootstrap admin key and demo data, and the readiness
    /// that <c>/health/ready</c> reports. Call it before the features: hosted services start in order, and theirs
    /// need a migrated database.
    /// </summary>
    public static IServiceCollection AddHosting(this IServiceCollection services)
    {
        DatabaseOptions.Register(services);
        services.AddOptions<IArmsOptions>().BindConfiguration(IArmsOptions.Section).ValidateOnStart();
        services.AddSingleton<Db>();
        services.AddSingleton<Migrator>();
        services.AddSingleton<DatabaseReadiness>();
        services.AddHostedService<DatabaseInitializer>();
        services.AddSingleton<DemoData>();
        return services;
    }
}
