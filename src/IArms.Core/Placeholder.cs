namespace IArms.Core;
